import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { AgentPrincipal } from '@brigade/agents';
import { ContactsAdminService } from '@brigade/administration';
import { CurrentAgent, Roles } from '../auth/auth.decorators';

class ContactSearchQuery {
  /** Name, pseudonym, or a channel's external id. */
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  q: string;
}

class LinkBody {
  /** The contact that is the same citizen. */
  @IsUUID()
  intoContactId: string;
}

/** Contacts: search, link two contacts that are the same citizen, unlink; audited. */
@Controller('api/admin/contacts')
@Roles('admin')
export class AdminContactsController {
  constructor(private readonly contacts: ContactsAdminService) {}

  @Get()
  search(@Query() query: ContactSearchQuery) {
    return this.contacts.search(query.q);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.contacts.get(id);
  }

  @Post(':id/link')
  link(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: LinkBody) {
    return this.contacts.link(actor, id, body.intoContactId);
  }

  @Delete(':id/link')
  unlink(@CurrentAgent() actor: AgentPrincipal, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.contacts.unlink(actor, id);
  }
}
