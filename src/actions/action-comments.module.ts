import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Action } from './action.entity';
import { ActionComment } from './action-comment.entity';
import { ActionCommentsController } from './action-comments.controller';
import { ActionCommentsService } from './action-comments.service';

/** The conversation on each action, kept apart from the action's own write path: a comment changes nothing on the action. */
@Module({
  imports: [TypeOrmModule.forFeature([ActionComment, Action])],
  controllers: [ActionCommentsController],
  providers: [ActionCommentsService],
  exports: [ActionCommentsService],
})
export class ActionCommentsModule {}
