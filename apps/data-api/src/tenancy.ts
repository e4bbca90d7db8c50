/** Who is acting: every domain call is scoped to the caller's tenant. */
export interface Actor {
  tenantId: string;
  subject: string;
}
