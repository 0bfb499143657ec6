import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOneOf, IsText } from '../common/validators';
import { TOKEN_SCOPES, TokenScope } from './api-token.entity';
import { UserDto } from '../users/dto/user.dto';

export class SignInDto {
  @ApiProperty({ example: 'priya.shah@example.nhs.uk' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
  @ApiProperty() @IsString() @MaxLength(200) password: string;
}

export class SignedInDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiProperty({
    description:
      'Send as the X-CSRF-Token header (or _csrf form field) on every write made with the session cookie',
  })
  csrfToken: string;
  @ApiProperty() expiresAt: string;
}

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 366;

export class CreateTokenDto {
  @ApiProperty({ example: 'Board report script' }) @IsText(100) name: string;
  @ApiPropertyOptional({
    enum: TOKEN_SCOPES,
    default: 'read-write',
    description:
      'read: GET only (reporting feeds, BI tools); read-write: what you may do, short of admin; admin: only an admin may ask for it',
  })
  @IsOptional()
  @IsOneOf(TOKEN_SCOPES)
  scope?: TokenScope;
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_TOKEN_DAYS,
    default: DEFAULT_TOKEN_DAYS,
    description: 'Days until the token stops working',
  })
  @IsOptional()
  @IsInt({ message: 'expiresInDays must be a whole number of days' })
  @Min(1)
  @Max(MAX_TOKEN_DAYS)
  expiresInDays?: number;
}
