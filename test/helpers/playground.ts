import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

// Drives the Microsoft 365 Agents Playground (pinned in package.json) the way its UI does, through its
// internal HTTP API and WebSocket stream (see ../shared/playground.md). Works offline.

export interface PlaygroundMessage {
  messageId: string;
  conversationId: string;
  action: 'createMessage' | 'updateMessage';
  text?: string;
  card?: Record<string, unknown>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class Playground {
  readonly messages: PlaygroundMessage[] = [];
  config!: {
    tenantId: string;
    currentUser: { id: string; name: string; email: string; aadObjectId: string };
    personalChat: { id: string };
    teams: { id: string; name: string; channels: { id: string }[] }[];
    bot: { id: string; name: string };
  };
  private child!: ChildProcess;
  private ws!: WebSocket;
  private output = '';
  port = 0;

  /** Starts a Playground for the given config file (scripts/playground/*.yml) against a bot endpoint. */
  static async start(configFile: string, botEndpoint: string): Promise<Playground> {
    const pg = new Playground();
    pg.port = await freePort();
    pg.child = spawn(
      path.resolve('node_modules/.bin/agentsplayground'),
      ['-e', botEndpoint, '-c', 'msteams', '-p', String(pg.port), '--dt'],
      {
        env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.resolve(configFile) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    pg.child.stdout?.on('data', (d) => {
      pg.output += String(d);
    });
    pg.child.stderr?.on('data', (d) => {
      pg.output += String(d);
    });
    const until = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await fetch(`${pg.base}/_debug/ping`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > until) throw new Error(`Playground did not start: ${pg.output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    pg.config = ((await (await fetch(`${pg.base}/_internal/v1/config`)).json()) as { config: Playground['config'] }).config;
    await pg.connect();
    return pg;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async connect(): Promise<void> {
    this.ws = new WebSocket(`ws://127.0.0.1:${this.port}/_ws_conversation/v1/conversations/stream`);
    this.ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as {
        action: PlaygroundMessage['action'];
        actionConversationId: string;
        message: { messageId: string; text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
      };
      if (m.action !== 'createMessage' && m.action !== 'updateMessage') return;
      const card = m.message.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      this.messages.push({
        action: m.action,
        conversationId: m.actionConversationId,
        messageId: m.message.messageId,
        ...(m.message.text ? { text: m.message.text } : {}),
        ...(card ? { card } : {}),
      });
    };
    await new Promise<void>((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new Error('Playground WebSocket failed'));
    });
  }

  /** Installs the app in the current user's personal chat (installationUpdate + conversationUpdate). */
  async installPersonal(): Promise<void> {
    const res = await fetch(`${this.base}/_debug/conversation/${this.config.personalChat.id}/installation`, { method: 'POST' });
    if (!res.ok) throw new Error(`installation failed: ${res.status}`);
  }

  /** Adds the app to the team (the bot then reads the team roster). */
  async installInTeam(): Promise<void> {
    const team = this.config.teams[0]!;
    const res = await fetch(`${this.base}/_debug/conversation/${team.id}/installation`, { method: 'POST' });
    if (!res.ok) throw new Error(`team installation failed: ${res.status}`);
  }

  /** The current user types a message in their personal chat. */
  async say(text: string): Promise<void> {
    const res = await fetch(`${this.base}/_conversation/v1/conversations/${this.config.personalChat.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: { id: this.config.currentUser.id }, text, textFormat: 'plain' }),
    });
    if (!res.ok) throw new Error(`message failed: ${res.status}`);
  }

  /** The current user types in the team's General channel, @mentioning the bot (only then does the bot hear it). */
  async sayInChannel(text: string): Promise<void> {
    const bot = this.config.bot;
    const mention = `<at>${bot.name}</at>`;
    const res = await fetch(
      `${this.base}/_conversation/v1/conversations/${encodeURIComponent(this.config.teams[0]!.id)}/messages`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          from: { id: this.config.currentUser.id },
          text: `${mention} ${text}`,
          textFormat: 'plain',
          mentions: [{ text: mention, mentioned: { id: bot.id, name: bot.name } }],
        }),
      },
    );
    if (!res.ok) throw new Error(`channel message failed: ${res.status}`);
  }

  /**
   * Presses an Action.Execute button on a card; returns the bot's invoke response. Cards in the personal
   * chat by default; for a card posted in a channel, pass the channel's conversation id (the press then
   * comes from that post's thread, as in Teams).
   */
  async execute(
    replyToId: string,
    verb: string,
    data: Record<string, unknown>,
    channelConversationId?: string,
  ): Promise<{ type?: string; value?: Record<string, unknown> }> {
    const conversationId = channelConversationId
      ? `${channelConversationId};messageid=${replyToId}`
      : this.config.personalChat.id;
    const res = await fetch(`${this.base}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        conversation: { id: conversationId },
        from: { id: this.config.currentUser.id },
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    });
    if (!res.ok) throw new Error(`invoke failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { type?: string; value?: Record<string, unknown> };
  }

  async waitForMessage(match: (m: PlaygroundMessage) => boolean, timeoutMs = 10_000): Promise<PlaygroundMessage> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > until) {
        // Name what did arrive (conversation and the card's first words), so a failure says what went wrong.
        const seen = this.messages.map((m) => `${m.action} ${m.conversationId}: ${(m.text ?? cardText(m.card)).slice(0, 80)}`);
        throw new Error(
          `no matching message in the Playground; got ${this.messages.length}:\n${seen.join('\n')}\n${this.output.slice(-1500)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    this.ws?.close();
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
  }
}

/** All text a card shows, flattened; with `values`, also fact values and the values inputs hold. */
export function cardText(card: unknown, options: { values?: boolean } = {}): string {
  const keys = options.values ? ['text', 'title', 'label', 'value'] : ['text', 'title', 'label'];
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of keys) if (typeof o[k] === 'string') out.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

/** Every action on a card: card actions, ActionSets in the body and selectActions, in order. */
export function cardActions(
  card: unknown,
): { type: string; verb?: string; title?: string; url?: string; data: Record<string, unknown> }[] {
  const out: { type: string; verb?: string; title?: string; url?: string; data: Record<string, unknown> }[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o['type'] === 'string' && o['type'].startsWith('Action.')) {
        out.push({
          type: o['type'],
          ...(typeof o['verb'] === 'string' ? { verb: o['verb'] } : {}),
          ...(typeof o['title'] === 'string' ? { title: o['title'] } : {}),
          ...(typeof o['url'] === 'string' ? { url: o['url'] } : {}),
          data: (o['data'] ?? {}) as Record<string, unknown>,
        });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}
