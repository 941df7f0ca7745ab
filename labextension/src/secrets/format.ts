/** Pure helpers of the Secrets panel (no JupyterLab imports: unit-tested with node's test runner). */

export interface ISecretLike {
  name: string;
  inject: boolean;
}

/** What to paste into a notebook to use a secret (never its value). */
export function usageSnippet(secret: ISecretLike): string {
  const lines = ['from polartep_lab import secrets', `value = secrets.get("${secret.name}")`];
  if (!secret.inject) {
    return (
      `# ${secret.name} is not injected into kernels yet: tick "Inject" in the Secrets panel\n` +
      '# and restart the kernel, then:\n' +
      lines.join('\n')
    );
  }
  return lines.join('\n');
}

/** "a.org, *.b.org  c.org" -> ["a.org", "*.b.org", "c.org"] */
export function parseHosts(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map(h => h.trim())
    .filter(h => h.length > 0);
}

/** How a binding reads in the list: "sent to a.org, b.org (bearer)". */
export function describeBinding(hosts: string[], auth: string, header: string | null): string {
  if (hosts.length === 0) {
    return '';
  }
  return `sent to ${hosts.join(', ')} (${auth === 'header' && header ? header : auth})`;
}
