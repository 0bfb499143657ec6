import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TRUST_ROLES, TrustRole } from '../../organisations/organisation-membership.entity';
import { IdField } from '../../common/id-field';
import { PageQueryDto } from '../../common/pagination';
import { IsBooleanQuery, IsOneOf, IsText, NOT_NULL } from '../../common/validators';
import { User, USER_ROLES, UserRole } from '../user.entity';

/** A role in one trust. */
export class MembershipInputDto {
  @IdField() organisationId: number;
  @ApiProperty({ enum: TRUST_ROLES }) @IsOneOf(TRUST_ROLES) role: TrustRole;
}

export class CreateUserDto {
  @ApiProperty({ example: 'Priya Shah' }) @IsText(200) name: string;
  @ApiProperty({ example: 'priya.shah@nhs.net' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
  @ApiProperty({ enum: USER_ROLES }) @IsOneOf(USER_ROLES) role: UserRole;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() active?: boolean;
  @ApiPropertyOptional({
    description: 'At least 12 characters, not a common password; stored as an argon2id hash',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  password?: string;
  @ApiPropertyOptional({
    type: [MembershipInputDto],
    description:
      'The trusts this person belongs to and their role in each (not for admins, who are system-wide). On update, replaces the list.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => MembershipInputDto)
  memberships?: MembershipInputDto[];
}

export class UpdateUserDto extends PartialType(CreateUserDto, NOT_NULL) {}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: USER_ROLES }) @IsOptional() @IsOneOf(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional()
  @IsOptional()
  @IsBooleanQuery()
  active?: boolean;
  @ApiPropertyOptional({ description: 'Matches name or email' })
  @IsOptional()
  @IsText(200)
  q?: string;
}

export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty() active: boolean;
  @ApiProperty({
    type: () => [MembershipDto],
    description: 'Trusts and role in each (only those the caller can see); empty for an admin',
  })
  memberships: MembershipDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class MembershipDto {
  @ApiProperty() organisationId: number;
  @ApiProperty() organisationName: string;
  @ApiProperty({ enum: TRUST_ROLES }) role: TrustRole;
}

/** The short form used where a user is named inside another record. */
export class UserRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
}

export function toUserDto(user: User, memberships: MembershipDto[] = []): UserDto {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    active: user.active,
    memberships,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export function toUserRef(user: User | null | undefined): UserRefDto | null {
  return user ? { id: user.id, name: user.name, email: user.email } : null;
}
