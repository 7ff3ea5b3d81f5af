import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { AgentPrincipal, AgentRole } from '@brigade/agents';

export const IS_PUBLIC = 'brigade:public';
export const REQUIRED_ROLES = 'brigade:roles';

/** Opens a route to callers without a desk token (login, health, webhooks verify their own way). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route to the listed roles; without it any signed-in agent may call it. */
export const Roles = (...roles: AgentRole[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentAgent = createParamDecorator(
  (_: unknown, context: ExecutionContext): AgentPrincipal => context.switchToHttp().getRequest().principal,
);
