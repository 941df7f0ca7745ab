/** Pure helpers of the home panel (no JupyterLab imports: unit-tested with node's test runner). */

export interface IFeatureLike {
  name: string;
  enabled: boolean;
  reason: string;
  backend?: { kind: string; name: string };
  health?: { ok: boolean; detail: string };
}

export type Badge = 'ok' | 'warn' | 'off';

/** The badge of a feature: off when disabled, warn when unhealthy, ok otherwise. */
export function badgeOf(feature: IFeatureLike): Badge {
  if (!feature.enabled) {
    return 'off';
  }
  return feature.health && !feature.health.ok ? 'warn' : 'ok';
}

/** One line saying which backend serves a feature and how it is. */
export function describeFeature(feature: IFeatureLike): string {
  if (!feature.enabled) {
    return `off: ${feature.reason}`;
  }
  const backend = feature.backend ? `${feature.backend.kind} (${feature.backend.name})` : 'built in';
  const health = feature.health ? (feature.health.ok ? 'healthy' : `unhealthy: ${feature.health.detail}`) : '';
  return health ? `${backend} · ${health}` : backend;
}

/** Counts for the status summary line. */
export function summarize(features: IFeatureLike[]): { on: number; off: number; unhealthy: number } {
  let on = 0;
  let off = 0;
  let unhealthy = 0;
  for (const f of features) {
    const badge = badgeOf(f);
    if (badge === 'off') {
      off++;
    } else {
      on++;
      if (badge === 'warn') {
        unhealthy++;
      }
    }
  }
  return { on, off, unhealthy };
}
