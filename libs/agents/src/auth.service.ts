import { Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import { Repository } from 'typeorm';
import { Agent, AgentRole } from './agent.entity';

export interface AgentPrincipal {
  agentId: string;
  role: AgentRole;
  name: string;
}

interface AccessTokenClaims {
  sub: string;
  role: AgentRole;
  name: string;
  typ: 'access';
}

// Verifying against a real hash when the login is unknown keeps the response time from revealing which logins exist.
const UNKNOWN_LOGIN_HASH = argon2.hash('unknown-login-placeholder');

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(Agent) private readonly agents: Repository<Agent>,
    private readonly jwt: JwtService,
  ) {}

  static hashPassword(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async login(login: string, password: string): Promise<{ accessToken: string; agent: AgentPrincipal }> {
    const agent = await this.agents
      .createQueryBuilder('agent')
      .addSelect('agent.passwordHash')
      .where('agent.login = :login', { login: login.trim().toLowerCase() })
      .getOne();
    const hash = agent?.passwordHash ?? (await UNKNOWN_LOGIN_HASH);
    const valid = await argon2.verify(hash, password).catch(() => false);
    if (!agent || !valid || !agent.active) throw new UnauthorizedException('Identifiant ou mot de passe incorrect');
    const principal: AgentPrincipal = { agentId: agent.id, role: agent.role, name: agent.displayName };
    return { accessToken: await this.issueAccessToken(principal), agent: principal };
  }

  issueAccessToken(principal: AgentPrincipal): Promise<string> {
    const claims: AccessTokenClaims = { sub: principal.agentId, role: principal.role, name: principal.name, typ: 'access' };
    return this.jwt.signAsync(claims);
  }

  /** Returns the principal of a valid access token, or null for anything else (expired, tampered, wrong type). */
  async verifyAccessToken(token: string | undefined | null): Promise<AgentPrincipal | null> {
    if (!token) return null;
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
      if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
      return { agentId: claims.sub, role: claims.role, name: claims.name };
    } catch {
      return null;
    }
  }
}
