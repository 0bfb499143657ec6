import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/app-error';
import { APP_CONFIG, AppConfig, PasswordSignIn } from '../config/configuration';
import { Transactions } from '../database/transactions';
import { User } from '../users/user.entity';
import { KnownDevicesService } from './known-devices.service';
import { PasswordCheckGate } from './password-check-gate';
import { isPublishedDemoPassword, timingDummyHash, verifyPassword } from './passwords';
import { SessionsService } from './sessions.service';
import { SignInThrottleService } from './sign-in-throttle.service';

/** One message for every failure, so a caller learns nothing about which accounts exist. */
const SIGN_IN_FAILED =
  'The email or password is not right, or sign-in is paused for a while after repeated failures';

export interface SignedIn {
  user: User;
  secret: string;
  csrfToken: string;
  /** A new device cookie secret, when this browser was not yet known for the account. */
  deviceSecret: string | null;
}

@Injectable()
export class AuthService {
  private readonly logger = new Logger('SignIn');
  /** One per app instance: each instance bounds its own thread pool's load. */
  private readonly gate = new PasswordCheckGate();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottleService,
    private readonly devices: KnownDevicesService,
    private readonly audit: AuditService,
  ) {}

  /**
   * In this order: admit the sign-in if fewer than 10 are in progress (else 503 SIGN_IN_BUSY,
   * before any database work); spend an attempt from the budgets (one atomic statement each)
   * and refuse at once if over; only then check the password, two at a time; then start the
   * session.
   */
  signIn(
    email: string,
    password: string,
    client: string,
    deviceSecret?: string,
  ): Promise<SignedIn> {
    return this.gate.admit((inTurn) =>
      this.admitted(email, password, client, deviceSecret, inTurn),
    );
  }

  private async admitted(
    email: string,
    password: string,
    client: string,
    deviceSecret: string | undefined,
    inTurn: <U>(passwordCheck: () => Promise<U>) => Promise<U>,
  ): Promise<SignedIn> {
    const normalised = email.trim().toLowerCase();
    const deviceId = await this.devices.find(deviceSecret, normalised);
    const keys = this.throttle.keys(normalised, client, deviceId);
    const refused = await this.transactions.run((manager) => this.throttle.spend(manager, keys));
    if (refused) {
      await this.recordFailure(client, 'paused: over the attempt budget, password not checked');
      throw new AppError('SIGN_IN_FAILED', SIGN_IN_FAILED);
    }

    const user = await this.dataSource.getRepository(User).findOneBy({ email: normalised });
    // Always verify something: the answer takes as long whether or not the account exists.
    const passwordOk = await inTurn(async () =>
      verifyPassword(user?.passwordHash ?? (await timingDummyHash()), password),
    );
    const demoRefused = passwordOk && !this.config.demoData && isPublishedDemoPassword(password);
    if (demoRefused && user) {
      this.logger.warn(
        `User ${user.id} still has the published demo password, refused outside demo mode; an admin must set a new one`,
      );
    }
    const passwordsAllowed =
      this.passwordSignIn === 'all' || (this.passwordSignIn === 'admins' && user?.role === 'admin');
    const ok =
      !!user &&
      user.active &&
      !!user.passwordHash &&
      passwordOk &&
      !demoRefused &&
      passwordsAllowed;
    if (!ok || !user) {
      await this.recordFailure(
        client,
        demoRefused
          ? 'the published demo password, outside demo mode'
          : passwordOk && !passwordsAllowed
            ? `password sign-in is ${this.passwordSignIn === 'off' ? 'off' : 'for admins only'}; use single sign-on`
            : 'password checked',
      );
      throw new AppError('SIGN_IN_FAILED', SIGN_IN_FAILED);
    }

    return this.transactions.run(async (manager) => {
      await this.throttle.succeeded(manager, keys);
      await this.throttle.purge(manager);
      const started = await this.sessions.start(manager, user.id);
      const newDevice = await this.devices.remember(manager, user.id, deviceId);
      await this.audit.record(manager, {
        action: 'sign_in',
        entity: 'session',
        entityId: started.session.id,
        actorId: user.id,
        summary: `Signed in from ${client}${deviceId ? ' (a known browser)' : ''}`,
      });
      return {
        user,
        secret: started.secret,
        csrfToken: started.session.csrfToken,
        deviceSecret: newDevice,
      };
    });
  }

  /** A refused sign-in, password or single sign-on: one event shape for both. */
  async recordFailure(client: string, why: string): Promise<void> {
    await this.transactions.run((manager) =>
      this.audit.record(manager, {
        action: 'sign_in_failed',
        entity: 'session',
        actorId: null,
        summary: `Failed sign-in from ${client} (${why})`,
      }),
    );
  }

  /** PASSWORD_SIGN_IN: everyone, admins only (when single sign-on is set up), or nobody. */
  get passwordSignIn(): PasswordSignIn {
    return this.config.passwordSignIn ?? 'all';
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
