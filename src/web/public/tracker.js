// The pages work without this; it adds the NHS.UK components' enhancements (the header's
// menu on narrow screens, the error summary taking focus, preventing double submission).
import { initAll } from '/nhsuk/nhsuk-frontend.min.js';

initAll();

// The person pickers' type-ahead (its select works without it).
if (document.querySelector('[data-person-picker]'))
  import('/public/person-picker.js').then(({ initPersonPickers }) => initPersonPickers());
