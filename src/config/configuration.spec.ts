import { ConfigError, loadConfig } from './configuration';

describe('loadConfig', () => {
  it('needs no environment at all', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      sqlitePath: 'database/tracker.sqlite',
      databaseUrl: undefined,
      demoData: false,
      sessionHours: 8,
      sessionIdleMinutes: 30,
      trustProxy: false,
      cqcApiUrl: 'https://api.service.cqc.org.uk/public/v1',
      cqcApiKey: undefined,
      cqcWatchMinutes: undefined,
      cqcActionPlanDays: 28,
      passwordSignIn: 'all',
      oidc: undefined,
      evidenceMaxBytes: 20 * 1024 * 1024,
      evidenceStorage: 'database',
      evidenceDirectory: undefined,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '0.0.0.0',
        SQLITE_PATH: '/tmp/x.sqlite',
        DATABASE_URL: 'postgres://u@h:5432/db',
        DEMO_DATA: 'off',
        SESSION_HOURS: '2',
        SESSION_IDLE_MINUTES: '5',
        TRUST_PROXY: '1',
        CQC_API_URL: 'http://127.0.0.1:9999/v1',
        CQC_API_KEY: 'k',
        CQC_WATCH_MINUTES: '15',
        CQC_ACTION_PLAN_DAYS: '21',
      }),
    ).toEqual({
      port: 8080,
      host: '0.0.0.0',
      sqlitePath: '/tmp/x.sqlite',
      databaseUrl: 'postgres://u@h:5432/db',
      demoData: false,
      sessionHours: 2,
      sessionIdleMinutes: 5,
      trustProxy: 1,
      cqcApiUrl: 'http://127.0.0.1:9999/v1',
      cqcApiKey: 'k',
      cqcWatchMinutes: 15,
      cqcActionPlanDays: 21,
      passwordSignIn: 'all',
      oidc: undefined,
      evidenceMaxBytes: 20 * 1024 * 1024,
      evidenceStorage: 'database',
      evidenceDirectory: undefined,
    });
  });

  it('refuses a CQC watch interval without a key, and a CQC_API_URL that is not http(s)', () => {
    expect(() => loadConfig({ CQC_WATCH_MINUTES: '15' })).toThrow(/CQC_API_KEY is not/);
    expect(() => loadConfig({ CQC_WATCH_MINUTES: '0', CQC_API_KEY: 'k' })).toThrow(
      /CQC_WATCH_MINUTES must be a whole number/,
    );
    expect(() => loadConfig({ CQC_API_URL: 'ftp://x' })).toThrow(/CQC_API_URL/);
  });

  it('takes proxy addresses and subnets for TRUST_PROXY', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24,loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
      'loopback',
    ]);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('refuses TRUST_PROXY=true, saying why and what to give instead', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/anyone could choose.*TRUST_PROXY=1/);
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://h/db' }, /DATABASE_URL/],
    [{ DEMO_DATA: 'maybe' }, /DEMO_DATA/],
    [{ HOST: 'a b' }, /HOST/],
    [{ SESSION_HOURS: '0' }, /SESSION_HOURS/],
    [{ SESSION_IDLE_MINUTES: 'ten' }, /SESSION_IDLE_MINUTES/],
    [{ TRUST_PROXY: 'perhaps' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.300' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '10.0.0.0/40' }, /TRUST_PROXY/],
    [{ TRUST_PROXY: '0.0.0.0/0' }, /wider than \/8/],
    [{ TRUST_PROXY: '0.0.0.0/1,128.0.0.0/1' }, /wider than \/8/],
    [{ TRUST_PROXY: '::/0' }, /wider than \/16/],
  ])('refuses %p, naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
