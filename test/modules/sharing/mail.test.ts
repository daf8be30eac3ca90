import { afterEach, describe, expect, it } from 'vitest';
import { GraphStandIn } from '../../helpers/graph-stand-in.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { World } from '../mentoring/world.ts';
import { askSupervisor, cardText, kees, nov, openForm, placement } from './school.ts';

// Mailing the supervisor's link through Microsoft Graph, where the school configured a sender
// (MAIL_SENDER): over HTTP, against the local Graph stand-in. The mail says only that the student asks
// for feedback, with the link; without the setting (or when Graph refuses) the student passes it on.

const sender = 'lob@school.nl';
const graphToken = async (tenant: string) => `graph-token-for-${tenant}`;

let graph: GraphStandIn | undefined;
let w: World | undefined;
afterEach(async () => {
  await w?.stop();
  await graph?.close();
  w = undefined;
  graph = undefined;
});

async function schoolWithMail(mailSender: string | null = sender) {
  graph = await GraphStandIn.start();
  graph.addUser({ id: 'sender-1', userPrincipalName: sender });
  w = await World.start({
    at: nov(2, '10:00'),
    env: { GRAPH_BASE_URL: graph.url, ...(mailSender ? { MAIL_SENDER: mailSender } : {}) },
    graphToken,
  });
  const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
  const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
  await w.assign(sanne.user, mentor.user);
  const reflectionId = await w.reflect(sanne.user, placement);
  return { w, sanne, reflectionId };
}

describe('the supervisor link by mail', () => {
  it('is mailed from the school’s mailbox with only the request and the link', async () => {
    const { sanne, reflectionId } = await schoolWithMail();
    const url = await askSupervisor(w!, sanne.user, reflectionId);
    expect(graph!.mails).toHaveLength(1);
    const [mail] = graph!.mails;
    expect(mail!.sender).toBe(sender);
    expect(mail!.saveToSentItems).toBe(false);
    expect(mail!.message['toRecipients']).toEqual([{ emailAddress: { address: kees.email, name: kees.name } }]);
    expect(mail!.message['subject']).toBe('Sanne vraagt je om feedback / Sanne asks you for feedback');
    const body = mail!.message['body'] as { contentType: string; content: string };
    expect(body.contentType).toBe('Text');
    expect(body.content).toContain('Beste Kees Bos,');
    expect(body.content).toContain('Dear Kees Bos,');
    expect(body.content).toContain(url);
    expect(body.content).toContain('De link werkt tot 16 nov en één keer.');
    // Nothing the student wrote, and not her surname.
    expect(body.content).not.toContain(placement.happened);
    expect(body.content).not.toContain('de Vries');
    expect(graph!.requests.find((r) => r.path.endsWith('/sendMail'))?.authorization).toMatch(/^Bearer graph-token-for-/);
    // The link in the mail is the one that works.
    expect((await openForm(url)).page.html).toContain(placement.happened);
    expect(w!.t.logLines.join('\n')).not.toContain(kees.email);
  });

  it('shows on the link card whether it was mailed, and a refused mail leaves the link to pass on', async () => {
    const { sanne, reflectionId } = await schoolWithMail();
    const form = await w!.say(sanne.user, 'stagebegeleider');
    expect(cardText(form)).toContain('Je stagebegeleider');
    await w!.act(sanne.user, 'sharing.supervisor', { ...kees });
    const mailed = await w!.act(sanne.user, 'sharing.ask', { reflectionId });
    expect(cardText(mailed)).toContain('Ook gemaild naar Kees Bos.');
    expect(renderCard(mailed).problems).toEqual([]);

    graph!.mailForbidden = true;
    const refused = await w!.act(sanne.user, 'sharing.ask', { reflectionId });
    expect(cardText(refused)).toContain('Geef deze link aan Kees Bos');
    expect(cardText(refused)).toContain('Mailen lukte niet; geef de link zelf door.');
    expect(graph!.mails).toHaveLength(1);
    expect(w!.t.logLines.join('\n')).toContain('mailing a supervisor link failed');
  });

  it('is not mailed where the school has no sender: only the link is given, as before', async () => {
    const { sanne, reflectionId } = await schoolWithMail(null);
    await askSupervisor(w!, sanne.user, reflectionId);
    expect(cardText(w!.cards(sanne.user).at(-1))).not.toContain('gemaild');
    expect(graph!.requests.filter((r) => r.path.endsWith('/sendMail'))).toEqual([]);
  });
});
