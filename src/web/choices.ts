import { Injectable } from '@nestjs/common';
import { TrustAccess } from '../auth/trust-access';
import { DataSource } from 'typeorm';
import { CoreService } from '../core-services/core-service.entity';
import { User } from '../users/user.entity';

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

  /** Active people; owners can be anyone, executive leads are executives (or quality leads standing in). */
  async people(roles?: User['role'][]): Promise<{ value: number; text: string }[]> {
    // Only people sharing a trust with the person asking (everyone, for an admin).
    const params: Record<string, unknown> = {};
    const shared = TrustAccess.sqlCondition('m.organisation_id', params);
    const query = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.role'])
      .where('u.active = :active', { active: true })
      .orderBy('u.name', 'ASC');
    if (shared)
      query.andWhere(
        `u.id IN (SELECT m.user_id FROM organisation_membership m WHERE ${shared})`,
        params,
      );
    const users = await query.getMany();
    return users
      .filter((u) => !roles || roles.includes(u.role))
      .map((u) => ({ value: u.id, text: u.name }));
  }
}
