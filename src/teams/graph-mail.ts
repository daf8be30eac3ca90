import type { GraphClient } from './graph.ts';

// Mail through Microsoft Graph from one mailbox of the school (MAIL_SENDER), with the application
// permission Mail.Send: POST /users/{sender}/sendMail through the one Graph client (per-tenant throttle,
// Retry-After). Plain text only, not kept in the mailbox's Sent Items (the bot keeps no copy either).

export interface PlainMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
}

export class GraphMailer {
  private readonly graph: GraphClient;
  private readonly sender: string;
  constructor(graph: GraphClient, sender: string) {
    this.graph = graph;
    this.sender = sender;
  }

  /** Sends one mail in the school's tenant; throws GraphError when Graph refuses (403 without Mail.Send). */
  async send(tenantId: string, mail: PlainMail): Promise<void> {
    await this.graph.request(tenantId, 'POST', `/v1.0/users/${encodeURIComponent(this.sender)}/sendMail`, {
      message: {
        subject: mail.subject,
        body: { contentType: 'Text', content: mail.text },
        toRecipients: [{ emailAddress: { address: mail.to.address, name: mail.to.name } }],
      },
      saveToSentItems: false,
    });
  }
}
