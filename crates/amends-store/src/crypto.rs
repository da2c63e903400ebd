//! Sealing at rest: XChaCha20-Poly1305 under a random data key, the data key wrapped by a key
//! derived from the passphrase with Argon2id.
//!
//! Nothing in here is `Serialize` or prints its bytes: `Debug` is written by hand to redact.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::sync::Arc;

use zeroize::{Zeroize, Zeroizing};

use crate::StoreError;

/// Version byte in front of every sealed blob, so the format can change without guessing.
const SEAL_V1: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
pub(crate) const SALT_LEN: usize = 16;

/// A passphrase, wiped from memory when dropped.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Refuses an empty or all-blank passphrase: it would protect nothing.
    pub fn new(text: impl Into<String>) -> Result<Self, StoreError> {
        let text = Zeroizing::new(text.into());
        if text.trim().is_empty() {
            return Err(StoreError::EmptyPassphrase);
        }
        Ok(Self(text))
    }

    /// Its length in characters, for the check on a newly chosen passphrase.
    pub fn chars(&self) -> usize {
        self.0.trim().chars().count()
    }

    fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// A copy in a buffer of its own, also wiped on drop, for the key derivation's thread.
    fn duplicate(&self) -> Self {
        Self(Zeroizing::new(self.0.as_str().to_owned()))
    }
}

impl PartialEq for Passphrase {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Argon2id cost parameters. They are stored next to the salt so a later version can raise the
/// defaults without locking anyone out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: above OWASP's Argon2id minimum, and about a quarter of a second
    /// on a small machine, which is paid once per unlock.
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };

    /// The most memory a key record may ask for: 1 GiB, 16 times the default.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// The most passes a key record may ask for.
    pub const MAX_T_COST: u32 = 64;
    /// The most lanes a key record may ask for.
    pub const MAX_P_COST: u32 = 16;
    /// The most work (memory in KiB times passes) a key record may ask for: 16 times the
    /// default's, a few seconds on a small machine.
    pub const MAX_WORK: u64 = 16 * 64 * 1024 * 3;

    /// Refuses settings far beyond anything amends writes. They are read from the file before
    /// the passphrase can be checked, so without bounds an edited key record could make every
    /// unlock allocate until the process aborts (the server included) or hash for days
    /// (issue 14, defect 11).
    pub fn check_bounds(&self) -> Result<(), StoreError> {
        let work = u64::from(self.m_cost_kib) * u64::from(self.t_cost);
        let too_much = self.m_cost_kib > Self::MAX_M_COST_KIB
            || self.t_cost > Self::MAX_T_COST
            || self.p_cost > Self::MAX_P_COST
            || work > Self::MAX_WORK;
        if too_much {
            return Err(StoreError::UnsafeKdf {
                detail: format!(
                    "{} MiB of memory, {} passes, {} lanes; amends uses at most {} MiB, {} \
                     passes, {} lanes, and {} MiB-passes in all",
                    self.m_cost_kib / 1024,
                    self.t_cost,
                    self.p_cost,
                    Self::MAX_M_COST_KIB / 1024,
                    Self::MAX_T_COST,
                    Self::MAX_P_COST,
                    Self::MAX_WORK / 1024
                ),
            });
        }
        Ok(())
    }

    fn argon2(&self) -> Result<(Argon2<'static>, usize), StoreError> {
        self.check_bounds()?;
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| StoreError::Crypto(format!("invalid key-derivation parameters: {e}")))?;
        let blocks = params.block_count();
        Ok((
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
            blocks,
        ))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One page of memory that holds key material: page-aligned and page-sized, so it shares its
/// page with nothing else, and locking it (mlock) or wiping it touches only keys.
#[repr(C, align(4096))]
struct KeyPage([u8; 4096]);

/// Where the data key sits in its page.
const DATA_KEY: std::ops::Range<usize> = 0..32;
/// Where the key of the event chain sits: derived from the data key (see [`chain_key`]).
const CHAIN_KEY: std::ops::Range<usize> = 32..64;

/// The length of a chain tag (HMAC-SHA256).
pub(crate) const TAG_LEN_CHAIN: usize = 32;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The key the event chain is authenticated with: HMAC-SHA256 of a fixed label under the data
/// key, so the one secret stays the data key and the AEAD key is never used as a MAC key.
fn chain_key(page: &mut [u8]) -> Result<(), StoreError> {
    use hmac::{KeyInit, Mac};
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&page[DATA_KEY])
        .map_err(|_| StoreError::Crypto("could not derive the chain key".into()))?;
    mac.update(b"amends:chain-key:v1");
    page[CHAIN_KEY].copy_from_slice(&mac.finalize().into_bytes());
    Ok(())
}

/// Key material that never moves: it is written straight into a boxed page, locked in RAM
/// where the system allows it (so it is never swapped out), and wiped when the last holder
/// lets go. Only the box's address is ever copied, so no stray copy of a key is left in a
/// freed request or future (issue 14, defect 5). Written by hand: `secrecy`'s `SecretBox`
/// wipes but neither aligns nor locks, and `region::lock` is the safe mlock.
struct KeyBox {
    // Declared first so it is dropped first: the page is unlocked while it is still ours.
    _lock: Option<region::LockGuard>,
    page: Box<KeyPage>,
}

impl KeyBox {
    fn new(fill: impl FnOnce(&mut [u8]) -> Result<(), StoreError>) -> Result<Self, StoreError> {
        no_core_dumps();
        let page = Box::new(KeyPage([0; 4096]));
        // Lock before the key is written, so it is never in a page that could be swapped.
        let lock = region::lock(page.0.as_ptr(), page.0.len())
            .map_err(|e| {
                // Not fatal: a system with a tiny RLIMIT_MEMLOCK still gets wiping and no
                // core dumps.
                tracing::debug!(error = %e, "could not lock the key page in memory");
            })
            .ok();
        let mut keys = Self { _lock: lock, page };
        fill(&mut keys.page.0)?;
        Ok(keys)
    }

    fn data_key(&self) -> &[u8] {
        &self.page.0[DATA_KEY]
    }

    fn chain_key(&self) -> &[u8] {
        &self.page.0[CHAIN_KEY]
    }
}

impl Drop for KeyBox {
    fn drop(&mut self) {
        self.page.0.zeroize();
    }
}

/// Turns core dumps off for the rest of the process once a key is in memory: a crash must
/// not write the key, or what it protects, to a file (issue 14, defect 5). Only the soft
/// limit is lowered; failing to is not fatal.
fn no_core_dumps() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let hard = rlimit::getrlimit(rlimit::Resource::CORE).map_or(0, |(_, hard)| hard);
        if let Err(e) = rlimit::setrlimit(rlimit::Resource::CORE, 0, hard) {
            tracing::debug!(error = %e, "could not turn core dumps off");
        }
    });
}

/// The random key every payload is sealed with. Shared, never copied: clones point at the same
/// locked page, which is wiped when the last one is dropped. Never serialized.
#[derive(Clone)]
pub struct DataKey(Arc<KeyBox>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub(crate) fn generate() -> Result<Self, StoreError> {
        let keys = KeyBox::new(|page| {
            getrandom_fill(&mut page[DATA_KEY])?;
            chain_key(page)
        })?;
        Ok(Self(Arc::new(keys)))
    }

    /// Seals with a cipher built in this frame (chacha20poly1305 wipes its key copy on drop).
    /// `[version][nonce][ciphertext+tag]`, with `aad` bound but not stored.
    pub(crate) fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, StoreError> {
        let cipher = XChaCha20Poly1305::new(self.0.data_key().into());
        seal_with(&cipher, aad, plaintext)
    }

    /// Fails on any change to the blob or to the associated data.
    pub(crate) fn open(&self, aad: &[u8], blob: &[u8]) -> Result<Vec<u8>, SealBroken> {
        let cipher = XChaCha20Poly1305::new(self.0.data_key().into());
        open_with(&cipher, aad, blob)
    }

    /// A chain tag: HMAC-SHA256 under the chain key of `label` and each part, each part
    /// preceded by its length so that no two different lists of parts read the same.
    pub(crate) fn chain_tag(&self, label: &str, parts: &[&[u8]]) -> [u8; TAG_LEN_CHAIN] {
        use hmac::{KeyInit, Mac};
        let mut out = [0u8; TAG_LEN_CHAIN];
        // HMAC takes a key of any length; the error cannot happen.
        if let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(self.0.chain_key()) {
            mac.update(label.as_bytes());
            for part in parts {
                mac.update(&(part.len() as u64).to_be_bytes());
                mac.update(part);
            }
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }
}

/// Compares two tags in constant time.
pub(crate) fn same_tag(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A sealed blob did not open: edited, truncated, moved, or under another key.
#[derive(Debug)]
pub(crate) struct SealBroken;

fn seal_with(
    cipher: &XChaCha20Poly1305,
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, StoreError> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| StoreError::Crypto("encryption failed".into()))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    out.push(SEAL_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

fn open_with(cipher: &XChaCha20Poly1305, aad: &[u8], blob: &[u8]) -> Result<Vec<u8>, SealBroken> {
    if blob.len() < 1 + NONCE_LEN + TAG_LEN || blob[0] != SEAL_V1 {
        return Err(SealBroken);
    }
    let nonce = XNonce::from_slice(&blob[1..1 + NONCE_LEN]);
    cipher
        .decrypt(
            nonce,
            Payload {
                msg: &blob[1 + NONCE_LEN..],
                aad,
            },
        )
        .map_err(|_| SealBroken)
}

/// The data key as stored: sealed under the passphrase key, with what is needed to derive it again.
#[derive(Clone)]
pub(crate) struct WrappedKey {
    pub salt: Vec<u8>,
    pub params: KdfParams,
    pub blob: Vec<u8>,
    /// 1: the events of this store carry no chain yet (written before issue 14); 2: they do.
    pub format: u8,
}

/// The keyring format of a store whose events are chained (see `sqlite::chain`).
pub(crate) const CHAINED: u8 = 2;

fn wrap_aad(params: &KdfParams, format: u8) -> Vec<u8> {
    // Binding the parameters means an attacker can't quietly lower them in the file. Binding
    // the format means a chained store cannot be passed off as an old one whose chain would be
    // computed afresh over whatever rows are left: only the passphrase can write this.
    format!(
        "amends:keyring:v{format}\0{}\0{}\0{}",
        params.m_cost_kib, params.t_cost, params.p_cost
    )
    .into_bytes()
}

/// The key-encryption key from the passphrase, in a buffer that is wiped when dropped.
fn derive_kek(
    pass: &Passphrase,
    salt: &[u8],
    params: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>, StoreError> {
    let mut kek = Zeroizing::new([0u8; 32]);
    let (argon2, block_count) = params.argon2()?;
    // Our own allocation, so that too little memory is an error to report, not an abort.
    let mut blocks: Vec<argon2::Block> = Vec::new();
    blocks.try_reserve_exact(block_count).map_err(|_| {
        StoreError::Crypto(format!(
            "there is not enough free memory to check the passphrase ({} MiB are needed). Close \
             other programs and try again",
            params.m_cost_kib / 1024
        ))
    })?;
    blocks.resize(block_count, argon2::Block::default());
    let result =
        argon2.hash_password_into_with_memory(pass.as_bytes(), salt, kek.as_mut(), &mut blocks);
    blocks.iter_mut().for_each(Zeroize::zeroize);
    result.map_err(|e| StoreError::Crypto(format!("key derivation failed: {e}")))?;
    Ok(kek)
}

/// Wraps the data key for a chained store (format 2).
pub(crate) fn wrap(
    key: &DataKey,
    pass: &Passphrase,
    params: KdfParams,
) -> Result<WrappedKey, StoreError> {
    let mut salt = vec![0u8; SALT_LEN];
    getrandom_fill(&mut salt)?;
    let kek = derive_kek(pass, &salt, &params)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let blob = seal_with(&cipher, &wrap_aad(&params, CHAINED), key.0.data_key())?;
    Ok(WrappedKey {
        salt,
        params,
        blob,
        format: CHAINED,
    })
}

/// [`wrap`] on tokio's blocking pool. Argon2 takes about a quarter of a second and 64 MiB at
/// the default cost; on an async worker it would hold up every request queued behind it (the
/// web app's unlock, setup and passphrase change; issue 13).
pub(crate) async fn wrap_off_thread(
    key: &DataKey,
    pass: &Passphrase,
    params: KdfParams,
) -> Result<WrappedKey, StoreError> {
    let (key, pass) = (key.clone(), pass.duplicate());
    off_thread(move || wrap(&key, &pass, params)).await
}

/// [`unwrap`] on tokio's blocking pool, for the same reason as [`wrap_off_thread`].
pub(crate) async fn unwrap_off_thread(
    wrapped: &WrappedKey,
    pass: &Passphrase,
) -> Result<DataKey, StoreError> {
    let (wrapped, pass) = (wrapped.clone(), pass.duplicate());
    off_thread(move || unwrap(&wrapped, &pass)).await
}

async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Crypto(format!("the key derivation stopped: {e}")))?
}

pub(crate) fn unwrap(wrapped: &WrappedKey, pass: &Passphrase) -> Result<DataKey, StoreError> {
    let kek = derive_kek(pass, &wrapped.salt, &wrapped.params)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let plain = Zeroizing::new(
        open_with(
            &cipher,
            &wrap_aad(&wrapped.params, wrapped.format),
            &wrapped.blob,
        )
        .map_err(|_| StoreError::WrongPassphrase)?,
    );
    if plain.len() != DATA_KEY.len() {
        return Err(StoreError::WrongPassphrase);
    }
    let keys = KeyBox::new(|page| {
        page[DATA_KEY].copy_from_slice(&plain);
        chain_key(page)
    })?;
    Ok(DataKey(Arc::new(keys)))
}

fn getrandom_fill(buf: &mut [u8]) -> Result<(), StoreError> {
    use chacha20poly1305::aead::rand_core::RngCore;
    OsRng
        .try_fill_bytes(buf)
        .map_err(|e| StoreError::Crypto(format!("the system random generator failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };

    #[test]
    fn seal_round_trips_and_binds_aad() {
        let key = DataKey::generate().unwrap();
        let blob = key.seal(b"a", b"hello").unwrap();
        assert_eq!(key.open(b"a", &blob).unwrap(), b"hello");
        assert!(key.open(b"b", &blob).is_err());
        let mut flipped = blob.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(key.open(b"a", &flipped).is_err());
        assert!(key.open(b"a", &blob[..10]).is_err());
    }

    #[test]
    fn nonces_differ_between_seals() {
        let key = DataKey::generate().unwrap();
        assert_ne!(
            key.seal(b"", b"same").unwrap(),
            key.seal(b"", b"same").unwrap()
        );
    }

    #[test]
    fn wrap_needs_the_same_passphrase_and_params() {
        let key = DataKey::generate().unwrap();
        let pass = Passphrase::new("correct horse").unwrap();
        let wrapped = wrap(&key, &pass, FAST).unwrap();
        let back = unwrap(&wrapped, &pass).unwrap();
        assert_eq!(back.0.data_key(), key.0.data_key());
        let wrong = Passphrase::new("incorrect horse").unwrap();
        assert!(matches!(
            unwrap(&wrapped, &wrong),
            Err(StoreError::WrongPassphrase)
        ));
        let lowered = WrappedKey {
            salt: wrapped.salt.clone(),
            params: KdfParams { t_cost: 2, ..FAST },
            blob: wrapped.blob.clone(),
            format: CHAINED,
        };
        assert!(unwrap(&lowered, &pass).is_err());
        let unchained = WrappedKey {
            salt: wrapped.salt.clone(),
            params: FAST,
            blob: wrapped.blob.clone(),
            format: 1,
        };
        assert!(
            unwrap(&unchained, &pass).is_err(),
            "a chained store cannot pass for an old one"
        );
    }

    #[test]
    fn blank_passphrases_are_refused() {
        assert!(matches!(
            Passphrase::new(""),
            Err(StoreError::EmptyPassphrase)
        ));
        assert!(matches!(
            Passphrase::new("  \n"),
            Err(StoreError::EmptyPassphrase)
        ));
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let pass = Passphrase::new("hunter2").unwrap();
        assert!(!format!("{pass:?}").contains("hunter2"));
        assert_eq!(
            format!("{:?}", DataKey::generate().unwrap()),
            "DataKey(<redacted>)"
        );
    }
}
