import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/roles';
import { TrustScopes } from './trust-scope';

/**
 * Every page's footer names the trust the person is working in. Pages that choose a trust
 * themselves (Home, the lists) resolve it again with what they were asked for; the rest (an
 * action, a form, an error) show the remembered one, resolved here before the handler runs.
 * API calls (no session) are left alone.
 */
@Injectable()
export class TrustFooterInterceptor implements NestInterceptor {
  constructor(private readonly scopes: TrustScopes) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
      if (request.user && request.sessionId && !request.path.startsWith('/api/')) {
        await this.scopes.resolve(undefined);
      }
    }
    return next.handle();
  }
}
