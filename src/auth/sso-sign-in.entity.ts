import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TimestampColumn } from '../database/columns';

/**
 * A sign-in sent to the OpenID provider and not yet come back. Named by the SHA-256 of the
 * random secret in the browser's `tracker_sso` cookie, so only the browser that started it can
 * finish it; deleted when the provider sends the browser back, so a state is used once.
 */
@Entity('sso_sign_in')
export class SsoSignIn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'varchar', length: 64, unique: true }) browserHash: string;
  @Column({ type: 'varchar', length: 100 }) state: string;
  @Column({ type: 'varchar', length: 100 }) nonce: string;
  @Column({ type: 'varchar', length: 100 }) codeVerifier: string;
  @Column({ type: 'varchar', length: 500 }) returnTo: string;
  @TimestampColumn() expiresAt: string;
}
