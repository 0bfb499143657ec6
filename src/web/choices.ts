import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { DataSource } from 'typeorm';
import { CoreService } from '../core-services/core-service.entity';
import { User } from '../users/user.entity';
import { containsPattern, LIKE_ESCAPE } from '../common/sql';
import { ActionPart, eligiblePeople } from '../actions/action-people';

export interface Choice {
  value: string | number;
  text: string;
  selected?: boolean;
}

/** Options for the pages' select boxes, with the current value selected and a blank first choice. */
export function choicesOf(
  options: { value: string | number; text: string }[],
  selected: string | number | undefined,
  blank = 'Any',
): Choice[] {
  return [
    { value: '', text: blank },
    ...options.map((option) => ({
      ...option,
      selected: selected !== undefined && String(option.value) === String(selected),
    })),
  ];
}

@Injectable()
export class Choices {
  constructor(private readonly dataSource: DataSource) {}

  async coreServices(organisationId: number): Promise<{ value: number; text: string }[]> {
    const services = await this.dataSource.getRepository(CoreService).find({
      where: { organisationId },
      select: { id: true, name: true },
      order: { name: 'ASC' },
    });
    return services.map((s) => ({ value: s.id, text: s.name }));
  }

  /**
   * With a trust and a part: the people who can hold that part there (action-people.ts), each
   * shown with their email so two people of the same name are told apart. With no trust: every
   * active person sharing a trust with the caller (for naming people in lists, never for
   * choosing who holds a part).
   */
  async people(
    organisationId?: number,
    part?: ActionPart,
    search?: string,
  ): Promise<{ value: number; text: string; name?: string }[]> {
    if (organisationId !== undefined && part) {
      if (!TrustAccess.canRead(organisationId)) return [];
      const query = eligiblePeople(this.dataSource.manager, organisationId, part)
        .select(['u.id', 'u.name', 'u.email'])
        .orderBy('u.name', 'ASC')
        .addOrderBy('u.email', 'ASC');
      if (search?.trim())
        query.andWhere(
          `(LOWER(u.name) LIKE :like ${LIKE_ESCAPE} OR LOWER(u.email) LIKE :like ${LIKE_ESCAPE})`,
          { like: containsPattern(search.trim()) },
        );
      const users = await query.getMany();
      // `name` alone for titles and sentences; `text` tells namesakes apart in a picker.
      return users.map((u) => ({ value: u.id, text: personLabel(u), name: u.name }));
    }
    // Only people sharing a trust with the person asking (everyone, for an admin).
    const params: Record<string, unknown> = {};
    const shared = TrustAccess.sqlCondition('m.organisation_id', params);
    const query = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.role'])
      .where('u.active = :active', { active: true })
      .orderBy('u.name', 'ASC');
    if (organisationId !== undefined) {
      params.memberOf = organisationId;
      query.andWhere(
        'u.id IN (SELECT m2.user_id FROM organisation_membership m2 WHERE m2.organisation_id = :memberOf)',
        params,
      );
    }
    if (shared)
      query.andWhere(
        `u.id IN (SELECT m.user_id FROM organisation_membership m WHERE ${shared})`,
        params,
      );
    const users = await query.getMany();
    return users.map((u) => ({ value: u.id, text: u.name }));
  }
}

/** A person as a picker shows them: the name, and the email that tells namesakes apart. */
export function personLabel(user: Pick<User, 'name' | 'email'>): string {
  return `${user.name} (${user.email})`;
}
