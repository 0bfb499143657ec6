import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { UserRefDto, toUserRef } from '../../users/dto/user.dto';
import { ActionComment, COMMENT_MAX } from '../action-comment.entity';

/**
 * A new comment. The messages are whole sentences in the pages' words, so the API's `errors`
 * (field `body`) and the page's error message say the same thing.
 */
export class PostCommentDto {
  @ApiProperty({ example: 'Please add the ward 3 audit', maxLength: COMMENT_MAX })
  @Transform(({ value }: { value: unknown }): unknown =>
    typeof value === 'string' ? value.trim() : value,
  )
  @IsString({ message: 'Enter your comment as text' })
  @IsNotEmpty({ message: 'Enter your comment' })
  @MaxLength(COMMENT_MAX, {
    message: `Comment must be ${COMMENT_MAX.toLocaleString('en-GB')} characters or fewer`,
  })
  body: string;
}

export class ActionCommentDto {
  @ApiProperty() id: number;
  @ApiProperty() actionId: number;
  @ApiProperty({ type: UserRefDto, nullable: true }) author: UserRefDto | null;
  @ApiProperty({ description: 'Plain text; shown as text, never as markup' }) body: string;
  @ApiProperty({ example: '2026-12-02T10:15:00.000Z' }) createdAt: string;
}

export function toActionCommentDto(comment: ActionComment): ActionCommentDto {
  return {
    id: comment.id,
    actionId: comment.actionId,
    author: toUserRef(comment.author),
    body: comment.body,
    createdAt: comment.createdAt,
  };
}
