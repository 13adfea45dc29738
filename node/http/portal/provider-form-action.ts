import type { FastifyReply } from 'fastify';

/**
 * Lets a page's payment forms lead to the providers' hosted pages. The node's policy says
 * `form-action 'self'`, and browsers hold a form's submission to it through every redirect
 * (CSP Level 3 §6.4.1: Chromium blocks the portal's 303 to Stripe's page). A page that offers
 * online payment adds the origins of the enabled providers' pages to that directive, and no more.
 */
export function allowProviderPages(reply: FastifyReply, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const policy = reply.getHeader('content-security-policy');
  if (typeof policy !== 'string') return;
  const directives = policy.split(';').map((directive) => directive.trim());
  const index = directives.findIndex((directive) => directive.startsWith('form-action'));
  const formAction = index === -1 ? "form-action 'self'" : (directives[index] ?? '');
  const widened = [formAction, ...origins.filter((origin) => !formAction.includes(origin))].join(' ');
  if (index === -1) directives.push(widened);
  else directives[index] = widened;
  void reply.header('content-security-policy', directives.filter(Boolean).join(';'));
}
