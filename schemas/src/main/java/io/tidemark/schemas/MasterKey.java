package io.tidemark.schemas;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit key that wraps each bundle's data key (client-side encryption). Only its
 * {@link #id()}, the first 16 hex digits of a SHA-256 over a fixed label and the key, ever leaves
 * this object: it names the key in bundle headers and errors, and {@link #toString()} shows
 * nothing else. Errors about a malformed key never quote it.
 *
 * <p>Accepted forms: exactly 32 raw bytes (a file only), 64 hex digits, or the base64 of 32 bytes
 * (surrounding white space ignored). Immutable and thread-safe.
 */
public final class MasterKey {
  static final int BYTES = 32;
  private static final byte[] ID_LABEL = "tidemark master key id\0".getBytes(StandardCharsets.US_ASCII);

  private final SecretKey key;
  private final String id;

  private MasterKey(byte[] bytes) {
    this.key = new SecretKeySpec(bytes, "AES");
    MessageDigest sha = Hashing.sha256();
    sha.update(ID_LABEL);
    this.id = HexFormat.of().formatHex(sha.digest(bytes)).substring(0, 16);
  }

  /** A key of exactly 32 bytes (copied). */
  public static MasterKey of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a master key is " + BYTES + " bytes, not " + bytes.length);
    }
    return new MasterKey(bytes.clone());
  }

  /**
   * A key given as text, e.g. from the environment: 64 hex digits or base64 of 32 bytes.
   *
   * @param origin what the text came from (a variable's name), for the error
   */
  public static MasterKey parse(String text, String origin) {
    String t = text.strip();
    if (t.length() == 2 * BYTES && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return new MasterKey(HexFormat.of().parseHex(t));
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(t);
      if (decoded.length == BYTES) {
        return new MasterKey(decoded);
      }
    } catch (IllegalArgumentException notBase64) {
      // reported below, without the value
    }
    throw new IllegalArgumentException(origin + " is not a 256-bit key: give 64 hex digits or"
        + " the base64 of 32 bytes (e.g. from 'openssl rand -hex 32')");
  }

  /** A key read from a file of 32 raw bytes, 64 hex digits or base64 text. */
  public static MasterKey fromFile(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    try {
      return content.length == BYTES ? new MasterKey(content)
          : parse(new String(content, StandardCharsets.US_ASCII), "master key file " + file);
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /**
   * The key from a file or from text, whichever is given; null when neither is (no encryption).
   *
   * @param file a key file, or null
   * @param text the key as text, or null
   * @param fileName how the user names the file setting, for errors
   * @param textName how the user names the text setting, for errors
   */
  public static MasterKey load(Path file, String text, String fileName, String textName)
      throws IOException {
    if (file != null && text != null) {
      throw new IllegalArgumentException("set " + fileName + " or " + textName + ", not both");
    }
    return file != null ? fromFile(file) : text != null ? parse(text, textName) : null;
  }

  /** The key's public name: 16 hex digits of a fingerprint, never the key. */
  public String id() {
    return id;
  }

  SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "master key " + id;
  }
}
