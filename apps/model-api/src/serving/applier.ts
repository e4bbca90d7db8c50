// Types only: @kubernetes/client-node 2 (through its undici 8) needs Node >= 22.19 just to load, so it is
// imported when a cluster is configured (createManifestApplier), never when KUBERNETES_MODE=off.
import type { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import type { ModelApiConfig } from '../config.js';
import type { KubernetesManifest } from './manifests.js';

/** Puts rendered objects into a cluster and takes them out again. Tests use a recording double. */
export interface ManifestApplier {
  /** Creates or updates every object; rejects on the first object the API refuses. */
  apply(manifests: readonly KubernetesManifest[]): Promise<void>;
  /** Deletes every object; objects already gone are not an error. */
  delete(manifests: readonly KubernetesManifest[]): Promise<void>;
}

/** Owner of the fields model-api sets, as server-side apply records it. */
export const FIELD_MANAGER = 'model-api';
const SERVER_SIDE_APPLY: PatchStrategy = 'application/apply-patch+yaml';

/** The part of the client's KubernetesObjectApi the applier uses. */
export type KubernetesObjectClient = Pick<KubernetesObjectApi, 'patch' | 'delete'>;

/** An error from the Kubernetes API (client-node's ApiException): an HTTP code and the Status body. */
const apiError = (error: unknown): { code: number; body: unknown } | undefined => {
  const candidate = error as { code?: unknown; body?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.code === 'number' && 'body' in candidate
    ? { code: candidate.code, body: candidate.body }
    : undefined;
};

const parsed = (body: unknown): unknown => {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
};

/** One line a person can act on, from the Kubernetes API's Status answer when there is one. */
export function describeKubernetesError(error: unknown): string {
  const api = apiError(error);
  if (api) {
    const body = parsed(api.body);
    const message = (body as { message?: unknown } | null)?.message;
    return `Kubernetes API answered ${api.code}: ${typeof message === 'string' ? message : JSON.stringify(body)?.slice(0, 500)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Server-side apply through the Kubernetes API (`PATCH` with `application/apply-patch+yaml`, field
 * manager `model-api`, forced so model-api owns the fields it renders); delete in the background.
 */
export class KubernetesManifestApplier implements ManifestApplier {
  constructor(private readonly api: KubernetesObjectClient) {}

  async apply(manifests: readonly KubernetesManifest[]): Promise<void> {
    for (const manifest of manifests) {
      await this.api.patch(manifest, undefined, undefined, FIELD_MANAGER, true, SERVER_SIDE_APPLY);
    }
  }

  async delete(manifests: readonly KubernetesManifest[]): Promise<void> {
    // The Service first: the gateway stops resolving pods before they go away.
    for (const manifest of [...manifests].reverse()) {
      try {
        await this.api.delete(manifest, undefined, undefined, undefined, undefined, 'Background');
      } catch (error) {
        if (apiError(error)?.code === 404) continue;
        throw error;
      }
    }
  }
}

/**
 * The applier KUBERNETES_MODE asks for: none when `off` (deployments are only recorded), the pod's
 * service account when `in-cluster`, `$KUBECONFIG` / `~/.kube/config` when `kubeconfig`.
 */
export async function createManifestApplier(config: Pick<ModelApiConfig, 'KUBERNETES_MODE'>): Promise<ManifestApplier | null> {
  if (config.KUBERNETES_MODE === 'off') return null;
  let client: typeof import('@kubernetes/client-node');
  try {
    client = await import('@kubernetes/client-node');
  } catch (error) {
    throw new Error(
      `KUBERNETES_MODE=${config.KUBERNETES_MODE} needs @kubernetes/client-node, which did not load ` +
        `(it requires Node >= 22.19; this is ${process.version}): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const kubeConfig = new client.KubeConfig();
  if (config.KUBERNETES_MODE === 'in-cluster') kubeConfig.loadFromCluster();
  else kubeConfig.loadFromDefault();
  return new KubernetesManifestApplier(client.KubernetesObjectApi.makeApiClient(kubeConfig));
}
