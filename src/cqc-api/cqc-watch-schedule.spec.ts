import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/configuration';
import { CqcWatchSchedule } from './cqc-api.module';
import type { CqcWatcher, WatchSummary } from './cqc-watcher';

describe('CqcWatchSchedule', () => {
  const summary: WatchSummary = {
    ran: true,
    from: null,
    to: null,
    trusts: 0,
    changedProviders: 0,
    changedLocations: 0,
    recordsRead: 0,
    created: 0,
    requests: 0,
    problems: [],
  };

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const schedule = (minutes: number | undefined, watchOnce: () => Promise<WatchSummary>) =>
    new CqcWatchSchedule(
      { cqcWatchMinutes: minutes } as AppConfig,
      {
        watchOnce,
      } as unknown as CqcWatcher,
    );

  it('polls every CQC_WATCH_MINUTES, and stops at shutdown', async () => {
    const watchOnce = jest.fn(() => Promise.resolve(summary));
    const s = schedule(15, watchOnce);
    s.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(15 * 60_000 - 1);
    expect(watchOnce).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(watchOnce).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(15 * 60_000);
    expect(watchOnce).toHaveBeenCalledTimes(2);
    s.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(watchOnce).toHaveBeenCalledTimes(2);
  });

  it('does not poll when CQC_WATCH_MINUTES is unset', async () => {
    const watchOnce = jest.fn(() => Promise.resolve(summary));
    schedule(undefined, watchOnce).onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(watchOnce).not.toHaveBeenCalled();
  });

  it('logs a failed poll as a warning and keeps going', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const s = schedule(1, () => Promise.reject(new Error('CQC is down')));
    await expect(s.tick()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('CQC watch failed: CQC is down');
  });
});
