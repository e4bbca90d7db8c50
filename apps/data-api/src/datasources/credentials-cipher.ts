import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM sealing of data source credentials. Each ciphertext records the id of the key that
 * sealed it, so a new key can become active while old rows still open; the row's tenant and id are
 * bound in as additional authenticated data, so a ciphertext copied onto another row fails to open.
 */
export interface SealedCredentials {
  keyId: string;
  ciphertext: string;
}

export class CredentialsCipher {
  private readonly keys: Map<string, Buffer>;

  /**
   * @param keyring `id:base64key` pairs separated by commas, each key 32 bytes
   * @param activeKeyId the key new credentials are sealed with
   */
  constructor(keyring: string, readonly activeKeyId: string) {
    this.keys = CredentialsCipher.parseKeyring(keyring);
    if (!this.keys.has(activeKeyId)) {
      throw new Error(`CREDENTIALS_ACTIVE_KEY_ID '${activeKeyId}' is not in CREDENTIALS_KEYS`);
    }
  }

  static parseKeyring(keyring: string): Map<string, Buffer> {
    const keys = new Map<string, Buffer>();
    for (const entry of keyring.split(',').map((part) => part.trim()).filter(Boolean)) {
      const separator = entry.indexOf(':');
      const id = entry.slice(0, separator);
      const key = Buffer.from(entry.slice(separator + 1), 'base64');
      if (separator < 1 || !/^[\w-]{1,32}$/.test(id)) throw new Error(`CREDENTIALS_KEYS entry has no valid key id`);
      if (key.length !== 32) throw new Error(`CREDENTIALS_KEYS key '${id}' must be 32 bytes, base64-encoded`);
      keys.set(id, key);
    }
    if (keys.size === 0) throw new Error('CREDENTIALS_KEYS holds no key');
    return keys;
  }

  seal(plaintext: Record<string, unknown>, context: string): SealedCredentials {
    const key = this.keys.get(this.activeKeyId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
    const ciphertext = ['v1', iv, cipher.getAuthTag(), body].map((part) =>
      typeof part === 'string' ? part : part.toString('base64url'),
    );
    return { keyId: this.activeKeyId, ciphertext: ciphertext.join('.') };
  }

  open(sealed: SealedCredentials, context: string): Record<string, unknown> {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`credentials were sealed with key '${sealed.keyId}', which is not configured`);
    const [version, iv, tag, body] = sealed.ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised credentials format');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
  }
}
