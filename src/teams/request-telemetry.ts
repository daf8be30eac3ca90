import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { telemetry, tracer } from '../platform/telemetry.ts';

// One server span per HTTP request, named by its route template (`/downloads/:token`, never the token
// itself), with the status code; an activity adds its type, its invoke name and its card verb (fixed
// words of this product, never what a student typed). Work done for the request nests under it.

const word = /^[A-Za-z][\w./-]{0,63}$/;

export function requestSpans() {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const span = tracer.startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } });
    res.on('finish', () => {
      const route = req.route?.path && typeof req.route.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      telemetry.request(route, req.method, res.statusCode, performance.now() - started);
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}

/** What kind of activity the request carried, on the request's span. */
export function describeActivity(activity: {
  type: string;
  name?: unknown;
  value?: unknown;
  conversation?: { conversationType?: unknown } | undefined;
}): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  const conversationType = activity.conversation?.conversationType;
  span.setAttributes({
    'teams.activity.type': word.test(activity.type) ? activity.type : 'other',
    ...(typeof activity.name === 'string' && word.test(activity.name) ? { 'teams.invoke.name': activity.name } : {}),
    ...(typeof verb === 'string' && word.test(verb) ? { 'teams.card.verb': verb } : {}),
    ...(typeof conversationType === 'string' && word.test(conversationType)
      ? { 'teams.conversation.type': conversationType }
      : {}),
  });
}
