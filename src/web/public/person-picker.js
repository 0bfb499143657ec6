// Progressive enhancement of the person pickers (views/partials/person-picker.njk): the
// select stays in the form and is what is submitted; a text box in the ARIA combobox
// pattern (as GOV.UK's accessible-autocomplete does it) filters its options as you type.
// Without this script the select and the search page link work on their own.

const MAX_SHOWN = 20;
let counter = 0;

function addStylesheet() {
  if (document.querySelector('link[data-person-picker-css]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/public/person-picker.css';
  link.dataset.personPickerCss = '';
  document.head.appendChild(link);
}

function enhance(select) {
  const id = select.id;
  const n = ++counter;
  const options = [...select.options]
    .filter((o) => o.value !== '')
    .map((o) => ({ value: o.value, text: o.text }));
  const blank = [...select.options].find((o) => o.value === '');
  const selectedText = () => {
    const chosen = select.options[select.selectedIndex];
    return chosen && chosen.value !== '' ? chosen.text : '';
  };

  const wrapper = document.createElement('div');
  wrapper.className = 'app-autocomplete';
  const input = document.createElement('input');
  input.type = 'text';
  input.className = 'nhsuk-input app-autocomplete__input';
  if (select.classList.contains('nhsuk-select--error')) input.classList.add('nhsuk-input--error');
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('spellcheck', 'false');
  const listId = `${id}__listbox`;
  input.setAttribute('aria-controls', listId);
  const describedBy = select.getAttribute('aria-describedby');
  const list = document.createElement('ul');
  list.id = listId;
  list.className = 'app-autocomplete__menu';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  const status = document.createElement('div');
  status.className = 'nhsuk-u-visually-hidden';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const howTo = document.createElement('span');
  howTo.id = `${id}__how-to`;
  howTo.className = 'nhsuk-u-visually-hidden';
  howTo.textContent =
    'Type part of a name or email, then use the up and down arrows to choose and Enter to select.';
  input.setAttribute('aria-describedby', [describedBy, howTo.id].filter(Boolean).join(' '));

  // The label and the error summary point at the id, so the text box takes it over.
  select.id = `${id}-select`;
  input.id = id;
  select.hidden = true;
  select.setAttribute('aria-hidden', 'true');
  select.tabIndex = -1;
  input.value = selectedText();
  if (blank) input.placeholder = blank.text;

  wrapper.append(input, list, status, howTo);
  select.insertAdjacentElement('afterend', wrapper);

  let shown = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };

  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) {
      input.setAttribute('aria-activedescendant', list.children[index].id);
      list.children[index].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };

  const choose = (option) => {
    select.value = option.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    input.value = option.text;
    close();
  };

  const open = () => {
    const words = input.value.trim().toLowerCase();
    const matches = options.filter((o) => o.text.toLowerCase().includes(words));
    shown = matches.slice(0, MAX_SHOWN);
    list.replaceChildren(
      ...shown.map((option, i) => {
        const li = document.createElement('li');
        li.id = `${id}__option-${n}-${i}`;
        li.className = 'app-autocomplete__option';
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = option.text;
        // mousedown, not click: it comes before the text box's blur.
        li.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(option);
        });
        return li;
      }),
    );
    if (!shown.length) {
      const li = document.createElement('li');
      li.className = 'app-autocomplete__option app-autocomplete__option--none';
      li.textContent = 'Nobody matches';
      list.append(li);
    }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
    status.textContent = matches.length
      ? `${matches.length} ${matches.length === 1 ? 'person matches' : 'people match'}${matches.length > MAX_SHOWN ? `, the first ${MAX_SHOWN} shown` : ''}`
      : 'Nobody matches';
  };

  input.addEventListener('input', open);
  input.addEventListener('focus', () => {
    if (!input.value) open();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (list.hidden) open();
      if (shown.length) highlight(Math.min(active + 1, shown.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length) highlight(Math.max(active - 1, 0));
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(shown[active]);
    } else if (event.key === 'Escape' && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => {
    close();
    const typed = input.value.trim();
    if (!typed) {
      select.value = '';
      return;
    }
    // Exactly one match for what was typed counts as choosing it; otherwise the choice stands.
    const exact = options.filter((o) => o.text.toLowerCase() === typed.toLowerCase());
    if (exact.length === 1) choose(exact[0]);
    else input.value = selectedText();
  });
}

export function initPersonPickers(root = document) {
  const selects = root.querySelectorAll('[data-person-picker] select');
  if (!selects.length) return;
  addStylesheet();
  selects.forEach(enhance);
}
