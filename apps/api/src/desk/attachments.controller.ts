import { Controller, Get, Header, Param, ParseUUIDPipe, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { AgentPrincipal } from '@brigade/agents';
import { AttachmentLinkView, AttachmentsService } from '@brigade/attachments';
import { CurrentAgent, Public } from '../auth/auth.decorators';
import { FileAnswer } from '../openapi/answer.decorators';

/**
 * Citizens' files on the desk. An agent allowed to read the conversation asks for a link (audited); the link, signed
 * and valid a few minutes, is what the desk's <img> and download links open, since they cannot carry the bearer token.
 */
@Controller('api/attachments')
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post(':id/link')
  link(@CurrentAgent() principal: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string): Promise<AttachmentLinkView> {
    return this.attachments.linkFor(principal, id);
  }

  /**
   * The file. Images (re-encoded by the platform) are shown inline; PDFs, kept as the citizen sent them, are only ever
   * downloaded, under a policy that forbids them any script, plugin or navigation should a browser render them anyway.
   */
  @Public()
  @Get(':id')
  @Header('Cache-Control', 'private, no-store')
  @FileAnswer(['image/jpeg', 'image/png', 'application/pdf'], 'The stored file')
  async open(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<StreamableFile> {
    const file = await this.attachments.openSigned(id, expires, signature);
    const disposition = file.kind === 'image' ? 'inline' : 'attachment';
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('Content-Disposition', `${disposition}; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    return new StreamableFile(file.bytes, { type: file.contentType, length: file.bytes.length });
  }
}

/** The name for browsers that ignore filename*: ASCII only, no quotes or separators. */
function asciiName(name: string): string {
  return name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\;]/g, '_') || 'piece-jointe';
}
