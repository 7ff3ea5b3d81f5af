import { Injectable } from '@nestjs/common';
import type { AgentPrincipal } from '@brigade/agents';
import { AuditService } from '@brigade/audit';
import { IntakeService } from './intake.service';
import { QuarantineService } from './quarantine.service';

export type ReplayResult =
  | { found: false }
  | { found: true; outcome: 'stored' | 'duplicate' | 'empty' | 'refused'; replayed: boolean };

/**
 * An administrator sends a quarantined message through intake again (after a fix, or to confirm it is unusable): it
 * is repaired and stored as if it had just arrived, or stays in the quarantine with the new reason. Audited.
 */
@Injectable()
export class ReplayQuarantinedUseCase {
  constructor(
    private readonly intake: IntakeService,
    private readonly quarantine: QuarantineService,
    private readonly audit: AuditService,
  ) {}

  async execute(actor: AgentPrincipal, id: string): Promise<ReplayResult> {
    const message = await this.quarantine.rawMessage(id);
    if (!message) return { found: false };
    const { correlationId: _previous, ...inbound } = message as typeof message & { correlationId?: string };
    let outcome: 'stored' | 'duplicate' | 'empty' | 'refused';
    try {
      const receipt = await this.intake.accept(inbound, { quarantine: false });
      outcome = receipt.duplicate ? 'duplicate' : 'stored';
    } catch (error) {
      const settled = this.intake.failedForGood(error);
      if (!settled) throw error;
      outcome = settled;
    }
    const replayed = outcome === 'stored' || outcome === 'duplicate';
    await this.quarantine.markReplayed(id, outcome, replayed);
    await this.audit.record({
      actorType: 'agent',
      actorId: actor.agentId,
      action: 'quarantine.replay',
      subjectType: 'quarantined-message',
      subjectId: id,
      details: { outcome },
    });
    return { found: true, outcome, replayed };
  }
}
