import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';

export const PASSWORD_MIN_LENGTH = 12;
/**
 * Every demo user's password, published in the README. Accepted at sign-in only in demo mode,
 * and never as a new password.
 */
export const PUBLISHED_DEMO_PASSWORD = 'cqc-tracker-demo-2026';

export function isPublishedDemoPassword(password: string): boolean {
  return password.trim().toLowerCase() === PUBLISHED_DEMO_PASSWORD;
}
export const PASSWORD_MAX_LENGTH = 200;

/** About 49,000 passwords seen most often in breaches, from the zxcvbn-ts project. */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/**
 * Why a password is refused, or null if it is acceptable: long enough, and neither a common
 * password nor one with a few digits or symbols stuck on the end of one ("password1234!").
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (isPublishedDemoPassword(password)) return 'is the published demo password; choose another';
  const lower = password.toLowerCase();
  const stem = lower.replace(/[^a-z]+$/, '');
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(stem))
    return 'is too common; choose another';
  if (/^(.)\1+$/.test(password)) return 'is one character repeated';
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local))
    return 'must not contain your email name';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Verified against when no account matches, so a sign-in takes as long either way. */
let dummyHash: Promise<string> | undefined;
export function timingDummyHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  return dummyHash;
}
