import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AgentRole, AuthService } from '@brigade/agents';
import { IS_PUBLIC, REQUIRED_ROLES } from './auth.decorators';

/** Applied to every HTTP route: a valid access token is required unless the route is @Public, and roles are checked. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null;
    const principal = await this.auth.verifyAccessToken(token);
    if (!principal) throw new UnauthorizedException('Authentification requise');
    const roles = this.reflector.getAllAndOverride<AgentRole[] | undefined>(REQUIRED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenException('Droits insuffisants');
    request.principal = principal;
    return true;
  }
}
