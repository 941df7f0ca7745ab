/** Command ids shared between the Polar TEP plugins. */
export namespace CommandIDs {
  export const openHome = 'polartep:open-home';
  export const refreshStatus = 'polartep:refresh-status';
  export const openExample = 'polartep:open-example';
  export const openDocs = 'polartep:open-docs';
  /** Each feature panel registers `polartep:open-<feature>`; the home panel links to it. */
  export function openFeature(feature: string): string {
    return `polartep:open-${feature}`;
  }
}
