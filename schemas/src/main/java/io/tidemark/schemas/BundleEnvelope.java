package io.tidemark.schemas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Client-side encryption of a whole bundle file. Layout (integers big-endian):
 *
 * <pre>
 * magic        8 bytes  "TMKGCM01"
 * header       int32 N, then N times (int32 length, UTF-8 key; int32 length, UTF-8 value):
 *              the bundle's tidemark.* metadata in clear text, plus tidemark.key_id
 * wrapped key  int16 length, then the bundle's random 256-bit data key wrapped with the
 *              master key by AES Key Wrap (RFC 3394; 40 bytes)
 * iv           12 random bytes
 * body         AES-256-GCM under the data key of the plain Avro container file, 16-byte tag
 *              last; the additional authenticated data is every byte before the body
 * </pre>
 *
 * The clear-text header lets the sink and restore plan from metadata (offsets, positions, hashes)
 * without the key; the events themselves, and everything the Avro header says, are only in the
 * encrypted body. Any changed byte, in the header or the body, fails the GCM tag. Stateless;
 * thread-safe.
 */
public final class BundleEnvelope {
  private static final byte[] MAGIC = "TMKGCM01".getBytes(StandardCharsets.US_ASCII);
  static final String KEY_ID = BundleMetadata.PREFIX + "key_id";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private BundleEnvelope() {}

  /** Encrypts a plain bundle file under a fresh data key wrapped by {@code master}. */
  public static byte[] seal(byte[] plainBundle, BundleMetadata meta, MasterKey master) {
    try {
      KeyGenerator generator = KeyGenerator.getInstance("AES");
      generator.init(256, RANDOM);
      SecretKey dataKey = generator.generateKey();
      Cipher wrap = Cipher.getInstance("AESWrap");
      wrap.init(Cipher.WRAP_MODE, master.secretKey());
      byte[] wrapped = wrap.wrap(dataKey);
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Map<String, String> header = new LinkedHashMap<>(meta.toHeader());
      header.put(KEY_ID, master.id());
      ByteArrayOutputStream out = new ByteArrayOutputStream(plainBundle.length + 1024);
      DataOutputStream data = new DataOutputStream(out);
      data.write(MAGIC);
      data.writeInt(header.size());
      for (Map.Entry<String, String> e : header.entrySet()) {
        writeText(data, e.getKey());
        writeText(data, e.getValue());
      }
      data.writeShort(wrapped.length);
      data.write(wrapped);
      data.write(iv);
      data.flush();
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BITS, iv));
      gcm.updateAAD(out.toByteArray());
      out.write(gcm.doFinal(plainBundle));
      return out.toByteArray();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("AES-256-GCM is part of every Java 17 runtime", e);
    }
  }

  /** Whether {@code bytes} start like an encrypted bundle. */
  public static boolean isSealed(byte[] bytes) {
    return bytes.length >= MAGIC.length
        && Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  /**
   * The plain Avro container file of a bundle that may be encrypted: a plain bundle streams
   * through untouched; an encrypted one is read whole, checked and decrypted.
   *
   * @param master the master key, or null when none is configured
   * @throws BundleKeyException when the bundle needs a key that {@code master} is not
   * @throws CorruptBundleException when the bundle was altered or cut short
   */
  public static InputStream open(InputStream in, String name, MasterKey master) throws IOException {
    byte[] start = in.readNBytes(MAGIC.length);
    if (!isSealed(start)) {
      return new SequenceInputStream(new ByteArrayInputStream(start), in);
    }
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    whole.write(start);
    try (in) {
      in.transferTo(whole);
    }
    return new ByteArrayInputStream(unseal(whole.toByteArray(), name, master));
  }

  /** The id of the master key an encrypted bundle needs; empty for a plain bundle. */
  public static Optional<String> keyId(byte[] bundle, String name) {
    return isSealed(bundle) ? Optional.of(parse(bundle, name).header.get(KEY_ID)) : Optional.empty();
  }

  /**
   * Refuses, before anything is read, a bundle whose key is not {@code master}: names the bundle,
   * the key id it needs and how to provide the key.
   *
   * @param keyId the id the bundle records; null for a plain bundle (always accepted)
   * @throws BundleKeyException when the key is missing or another one
   */
  public static void requireKey(String name, String keyId, MasterKey master) {
    if (keyId == null) {
      return;
    }
    if (master == null) {
      throw new BundleKeyException("bundle '" + name + "' was encrypted with key id " + keyId
          + "; set TIDEMARK_MASTER_KEY_FILE (or TIDEMARK_MASTER_KEY) to that master key");
    }
    if (!master.id().equals(keyId)) {
      throw new BundleKeyException("bundle '" + name + "' was encrypted with key id " + keyId
          + ", but the master key given has id " + master.id() + "; set TIDEMARK_MASTER_KEY_FILE"
          + " (or TIDEMARK_MASTER_KEY) to the key with id " + keyId);
    }
  }

  /** The clear-text metadata header of an encrypted bundle (not authenticated by itself). */
  static Map<String, String> header(byte[] sealed, String name) {
    return parse(sealed, name).header;
  }

  private static byte[] unseal(byte[] sealed, String name, MasterKey master) {
    Parsed p = parse(sealed, name);
    requireKey(name, p.header.get(KEY_ID), master);
    try {
      Cipher unwrap = Cipher.getInstance("AESWrap");
      unwrap.init(Cipher.UNWRAP_MODE, master.secretKey());
      SecretKey dataKey = (SecretKey) unwrap.unwrap(p.wrappedKey, "AES", Cipher.SECRET_KEY);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(TAG_BITS, p.iv));
      gcm.updateAAD(sealed, 0, p.bodyStart);
      return gcm.doFinal(sealed, p.bodyStart, sealed.length - p.bodyStart);
    } catch (AEADBadTagException | InvalidKeyException e) {
      throw new CorruptBundleException("'" + name + "' fails its AES-GCM authentication: the"
          + " bundle was altered or damaged after it was written");
    } catch (GeneralSecurityException e) {
      throw new CorruptBundleException("'" + name + "' cannot be decrypted: " + e.getMessage());
    }
  }

  private record Parsed(Map<String, String> header, byte[] wrappedKey, byte[] iv, int bodyStart) {}

  private static Parsed parse(byte[] sealed, String name) {
    ByteArrayInputStream bytes = new ByteArrayInputStream(sealed);
    DataInputStream in = new DataInputStream(bytes);
    try {
      in.skipNBytes(MAGIC.length);
      int entries = in.readInt();
      if (entries < 0 || entries > 1000) {
        throw new IOException("header of " + entries + " entries");
      }
      Map<String, String> header = new LinkedHashMap<>();
      for (int i = 0; i < entries; i++) {
        header.put(readText(in), readText(in));
      }
      byte[] wrapped = in.readNBytes(in.readUnsignedShort());
      byte[] iv = in.readNBytes(IV_BYTES);
      if (iv.length < IV_BYTES || !header.containsKey(KEY_ID)) {
        throw new IOException("envelope cut short");
      }
      return new Parsed(header, wrapped, iv, sealed.length - bytes.available());
    } catch (IOException | RuntimeException e) {
      throw new CorruptBundleException("'" + name + "' is a damaged encrypted bundle: "
          + e.getMessage());
    }
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readText(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("text of " + length + " bytes");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}
