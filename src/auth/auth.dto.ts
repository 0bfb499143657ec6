import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { IsText } from '../common/validators';
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

export class CreateTokenDto {
  @ApiProperty({ example: 'Board report script' }) @IsText(100) name: string;
}
