import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { Transactions } from '../database/transactions';
import { User } from '../users/user.entity';
import { timingDummyHash, verifyPassword } from './passwords';
import { SessionsService } from './sessions.service';
import {
  MAX_FAILURES_PER_CLIENT,
  MAX_FAILURES_PER_EMAIL,
  SignInThrottleService,
} from './sign-in-throttle.service';

/** One message for every failure, so a caller learns nothing about which accounts exist. */
const SIGN_IN_FAILED =
  'The email or password is not right, or sign-in is paused for a while after repeated failures';

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottleService,
    private readonly audit: AuditService,
  ) {}

  async signIn(
    email: string,
    password: string,
    client: string,
  ): Promise<{ user: User; secret: string; csrfToken: string }> {
    const normalised = email.trim().toLowerCase();
    const { emailKey, clientKey } = this.throttle.keys(normalised, client);
    const locked = await this.throttle.isLocked(this.dataSource.manager, [emailKey, clientKey]);
    const user = await this.dataSource.getRepository(User).findOneBy({ email: normalised });
    // Always verify something, outside the write queue: the answer takes as long either way.
    const passwordOk = await verifyPassword(
      user?.passwordHash ?? (await timingDummyHash()),
      password,
    );
    const ok = !locked && !!user && user.active && !!user.passwordHash && passwordOk;

    const outcome = await this.transactions.run(async (manager) => {
      if (!ok || !user) {
        await this.throttle.recordFailure(manager, emailKey, MAX_FAILURES_PER_EMAIL);
        await this.throttle.recordFailure(manager, clientKey, MAX_FAILURES_PER_CLIENT);
        await this.audit.record(manager, {
          action: 'sign_in_failed',
          entity: 'session',
          actorId: null,
          summary: `Failed sign-in${locked ? ' while paused' : ''} from ${client}`,
        });
        return null;
      }
      await this.throttle.clear(manager, emailKey);
      const started = await this.sessions.start(manager, user.id);
      await this.audit.record(manager, {
        action: 'sign_in',
        entity: 'session',
        entityId: started.session.id,
        actorId: user.id,
        summary: `Signed in from ${client}`,
      });
      return { user, secret: started.secret, csrfToken: started.session.csrfToken };
    });
    if (!outcome) throw new AppError('SIGN_IN_FAILED', SIGN_IN_FAILED);
    return outcome;
  }

  async signOut(user: User, sessionId: number): Promise<void> {
    await this.transactions.run(async (manager) => {
      await this.sessions.end(manager, sessionId);
      await this.audit.record(manager, {
        action: 'sign_out',
        entity: 'session',
        entityId: sessionId,
        actorId: user.id,
      });
    });
  }
}
