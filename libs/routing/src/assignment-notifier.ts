import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConversationsService } from '@brigade/conversations';
import { RealtimePublisher } from '@brigade/realtime';
import { PlannedAssignment } from './routing-policy';

/** Tells each assigned agent's desk, and the citizen's widget, about new assignments. */
@Injectable()
export class AssignmentNotifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly conversations: ConversationsService,
    private readonly realtime: RealtimePublisher,
  ) {}

  async notify(assignments: PlannedAssignment[], reason: string): Promise<void> {
    await Promise.all(assignments.map((assignment) => this.notifyOne(assignment, reason)));
  }

  private async notifyOne(assignment: PlannedAssignment, reason: string): Promise<void> {
    const event = await this.conversations.assignmentEvent(assignment.conversationId, reason);
    await this.realtime.toAgent(assignment.agentId, 'conversation:assigned', event);
    if (event.conversation.channel !== 'webchat') return;
    const rows: { external_id: string; display_name: string }[] = await this.dataSource.query(
      `SELECT i.external_id, a.display_name
         FROM conversations c JOIN channel_identities i ON i.id = c.identity_id JOIN agents a ON a.id = $2
        WHERE c.id = $1`,
      [assignment.conversationId, assignment.agentId],
    );
    if (rows[0]) {
      await this.realtime.toCitizen(rows[0].external_id, 'status', { state: 'assigned', agentName: rows[0].display_name });
    }
  }
}
