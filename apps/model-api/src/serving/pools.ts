import type { ModelDb } from '../db/index.js';
import { dnsFromManifests } from './manifests.js';
import { ServingDeploymentRepository } from './repository.js';
import type { DeploymentStatus, RoutingStrategy } from './schemas.js';

/** One served model name as the gateway routes it. */
export interface ServedPool {
  servedName: string;
  /** The only tenant whose callers may use this pool. */
  tenantId: string;
  /** `<service>.<namespace>.svc.cluster.local:8000`: the headless Service, one address per ready pod. */
  dns: string;
  routing: RoutingStrategy;
  fallbackModel: string | null;
  /** `recorded` deployments exist only on paper (KUBERNETES_MODE=off): their DNS name resolves to nothing. */
  status: Exclude<DeploymentStatus, 'deleting'>;
}

/**
 * Every serving deployment of every tenant that is not being deleted, as pools: what the gateway's
 * discovery reads on each round. The DNS name is the Service as it was rendered and stored.
 */
export async function listServedPools(db: ModelDb): Promise<ServedPool[]> {
  const rows = await new ServingDeploymentRepository(db).listAllActive();
  return rows.flatMap((row) => {
    const dns = dnsFromManifests(row.manifests);
    if (dns === undefined || row.status === 'deleting') return [];
    return [
      {
        servedName: row.servedName,
        tenantId: row.tenantId,
        dns,
        routing: row.routing as RoutingStrategy,
        fallbackModel: row.fallbackModel,
        status: row.status,
      },
    ];
  });
}
