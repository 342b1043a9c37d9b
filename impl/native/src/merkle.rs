//! Merkle commitments to rows of base elements.
//!
//! Protocol contract §Merkle commitments (mirrors `spec/stark/merkle.py`): leaf i =
//! hash_elements(row i) (an E value contributes its 3 coordinates in place), the number of leaves is
//! a power of two, nodes are merge(left, right) in natural index order and the root is the top
//! digest. The opening of leaf i is the list of sibling digests from the leaf level up
//! (log2(#leaves) digests); there is no multiproof deduplication.
//!
//! The tree is stored as one array in heap order: node 1 is the root, node k has children 2k and
//! 2k + 1, and leaf i is node n + i. Leaves and each level are hashed in parallel (rayon) for large
//! trees; each node is computed once, so the result does not depend on the thread count.

use rayon::prelude::*;

use crate::hash::{Digest, Hasher};

/// Levels narrower than this are hashed on one thread.
const PARALLEL_THRESHOLD: usize = 1 << 9;

/// Errors of a commitment request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerkleError {
    /// The number of leaves is not a power of two (or is zero).
    NotPowerOfTwo(usize),
    /// A leaf index beyond the tree.
    IndexOutOfRange { index: usize, leaves: usize },
    /// Rows of different widths, or a flat buffer that is not a whole number of rows.
    RaggedRows,
}

impl std::fmt::Display for MerkleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MerkleError::NotPowerOfTwo(n) => write!(f, "{n} leaves is not a power of two"),
            MerkleError::IndexOutOfRange { index, leaves } => {
                write!(f, "leaf {index} is out of range for {leaves} leaves")
            }
            MerkleError::RaggedRows => write!(f, "rows must all have the same width"),
        }
    }
}

/// A committed tree (all nodes kept, for openings).
#[derive(Debug, Clone)]
pub struct MerkleTree {
    hasher: Hasher,
    /// nodes[0] is unused; nodes[1] is the root; nodes[n + i] is leaf i.
    nodes: Vec<Digest>,
}

impl MerkleTree {
    /// The tree over already-hashed leaves.
    pub fn from_leaves(hasher: Hasher, leaves: Vec<Digest>) -> Result<MerkleTree, MerkleError> {
        let n = leaves.len();
        if n == 0 || !n.is_power_of_two() {
            return Err(MerkleError::NotPowerOfTwo(n));
        }
        let mut nodes = vec![[0u8; 32]; n];
        nodes.extend(leaves);
        let mut size = n;
        while size > 1 {
            let half = size / 2;
            let (upper, lower) = nodes.split_at_mut(size);
            let parents = &mut upper[half..size];
            let children = &lower[..size];
            let node = |(k, p): (usize, &mut Digest)| {
                *p = hasher.merge(&children[2 * k], &children[2 * k + 1]);
            };
            if half >= PARALLEL_THRESHOLD {
                parents.par_iter_mut().enumerate().for_each(node);
            } else {
                parents.iter_mut().enumerate().for_each(node);
            }
            size = half;
        }
        Ok(MerkleTree { hasher, nodes })
    }

    /// The tree whose leaf i hashes `row(i, &mut buffer)` for i < n (rows built on demand, leaves
    /// hashed in parallel).
    pub fn from_row_fn<F>(hasher: Hasher, n: usize, row: F) -> Result<MerkleTree, MerkleError>
    where
        F: Fn(usize, &mut Vec<u64>) + Sync,
    {
        if n == 0 || !n.is_power_of_two() {
            return Err(MerkleError::NotPowerOfTwo(n));
        }
        let leaf = |i: usize| {
            let mut buf = Vec::new();
            row(i, &mut buf);
            hasher.hash_elements(&buf)
        };
        let leaves: Vec<Digest> = if n >= PARALLEL_THRESHOLD {
            (0..n)
                .into_par_iter()
                .map_init(Vec::new, |buf, i| {
                    buf.clear();
                    row(i, buf);
                    hasher.hash_elements(buf)
                })
                .collect()
        } else {
            (0..n).map(leaf).collect()
        };
        MerkleTree::from_leaves(hasher, leaves)
    }

    /// The tree over a row-major buffer of rows of `width` elements.
    pub fn from_row_major(
        hasher: Hasher,
        values: &[u64],
        width: usize,
    ) -> Result<MerkleTree, MerkleError> {
        if width == 0 {
            if values.is_empty() {
                return Err(MerkleError::NotPowerOfTwo(0));
            }
            return Err(MerkleError::RaggedRows);
        }
        if values.len() % width != 0 {
            return Err(MerkleError::RaggedRows);
        }
        let n = values.len() / width;
        MerkleTree::from_row_fn(hasher, n, |i, buf| {
            buf.extend_from_slice(&values[i * width..(i + 1) * width])
        })
    }

    /// The tree over rows given as separate vectors (all of one width).
    pub fn from_rows(hasher: Hasher, rows: &[Vec<u64>]) -> Result<MerkleTree, MerkleError> {
        if let Some(first) = rows.first() {
            if rows.iter().any(|r| r.len() != first.len()) {
                return Err(MerkleError::RaggedRows);
            }
        }
        MerkleTree::from_row_fn(hasher, rows.len(), |i, buf| buf.extend_from_slice(&rows[i]))
    }

    /// The tree whose row i is column c's value i for every column c in order (column-major data,
    /// as the trace LDE is stored).
    pub fn from_columns(hasher: Hasher, columns: &[Vec<u64>]) -> Result<MerkleTree, MerkleError> {
        let n = columns.first().map_or(0, |c| c.len());
        if columns.iter().any(|c| c.len() != n) {
            return Err(MerkleError::RaggedRows);
        }
        MerkleTree::from_row_fn(hasher, n, |i, buf| buf.extend(columns.iter().map(|c| c[i])))
    }

    /// The hasher of this tree.
    pub fn hasher(&self) -> Hasher {
        self.hasher
    }

    /// The number of leaves.
    pub fn leaf_count(&self) -> usize {
        self.nodes.len() / 2
    }

    /// The root digest.
    pub fn root(&self) -> Digest {
        self.nodes[1]
    }

    /// Leaf i's digest.
    pub fn leaf(&self, index: usize) -> Result<Digest, MerkleError> {
        self.check(index)?;
        Ok(self.nodes[self.leaf_count() + index])
    }

    fn check(&self, index: usize) -> Result<(), MerkleError> {
        let leaves = self.leaf_count();
        if index >= leaves {
            return Err(MerkleError::IndexOutOfRange { index, leaves });
        }
        Ok(())
    }

    /// The sibling digests of leaf i from the leaf level up.
    pub fn open(&self, index: usize) -> Result<Vec<Digest>, MerkleError> {
        self.check(index)?;
        let mut k = self.leaf_count() + index;
        let mut path = Vec::new();
        while k > 1 {
            path.push(self.nodes[k ^ 1]);
            k >>= 1;
        }
        Ok(path)
    }
}

/// Whether `path` opens a leaf with digest `leaf` at `index` to `root` (the tree height is the
/// path length; an index that does not fit it is rejected). Every path digest must be valid for
/// the hasher (for poseidon: four canonical limbs), as in `spec/stark/merkle.py`: otherwise a limb
/// written as `w + p` would hash like `w` and give a proof a second byte form.
pub fn verify_leaf(
    hasher: Hasher,
    root: &Digest,
    index: u64,
    leaf: &Digest,
    path: &[Digest],
) -> bool {
    if path.len() < 64 && index >> path.len() != 0 {
        return false;
    }
    if !path.iter().all(|d| hasher.is_valid_digest(d)) || !hasher.is_valid_digest(root) {
        return false;
    }
    let mut node = *leaf;
    let mut k = index;
    for sibling in path {
        node = if k & 1 == 0 {
            hasher.merge(&node, sibling)
        } else {
            hasher.merge(sibling, &node)
        };
        k >>= 1;
    }
    node == *root
}

/// Whether `path` opens `row` at `index` to `root` (a non-canonical row element is `false`).
pub fn verify_row(hasher: Hasher, root: &Digest, index: u64, row: &[u64], path: &[Digest]) -> bool {
    if row.iter().any(|&x| x >= crate::goldilocks::P) {
        return false;
    }
    verify_leaf(hasher, root, index, &hasher.hash_elements(row), path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, w: usize) -> Vec<Vec<u64>> {
        (0..n)
            .map(|i| (0..w).map(|j| (i * 131 + j * 7) as u64).collect())
            .collect()
    }

    #[test]
    fn root_of_four_leaves_by_hand() {
        for h in [Hasher::Blake3, Hasher::Poseidon] {
            let r = rows(4, 3);
            let t = MerkleTree::from_rows(h, &r).unwrap();
            let l: Vec<Digest> = r.iter().map(|x| h.hash_elements(x)).collect();
            let expect = h.merge(&h.merge(&l[0], &l[1]), &h.merge(&l[2], &l[3]));
            assert_eq!(t.root(), expect);
            assert_eq!(t.open(2).unwrap(), vec![l[3], h.merge(&l[0], &l[1])]);
        }
    }

    #[test]
    fn openings_verify_and_tampering_fails() {
        for h in [Hasher::Blake3, Hasher::Poseidon] {
            let r = rows(1024, 5); // above the parallel threshold
            let t = MerkleTree::from_rows(h, &r).unwrap();
            for i in [0usize, 1, 511, 1023] {
                let path = t.open(i).unwrap();
                assert_eq!(path.len(), 10);
                assert!(verify_row(h, &t.root(), i as u64, &r[i], &path));
                assert!(!verify_row(h, &t.root(), (i ^ 1) as u64, &r[i], &path));
                assert!(!verify_row(h, &t.root(), (i + 1024) as u64, &r[i], &path));
                let mut bad = r[i].clone();
                bad[0] += 1;
                assert!(!verify_row(h, &t.root(), i as u64, &bad, &path));
            }
        }
    }

    #[test]
    fn layouts_agree() {
        let r = rows(16, 4);
        let flat: Vec<u64> = r.concat();
        let cols: Vec<Vec<u64>> = (0..4).map(|j| r.iter().map(|x| x[j]).collect()).collect();
        let a = MerkleTree::from_rows(Hasher::Blake3, &r).unwrap().root();
        assert_eq!(
            MerkleTree::from_row_major(Hasher::Blake3, &flat, 4)
                .unwrap()
                .root(),
            a
        );
        assert_eq!(
            MerkleTree::from_columns(Hasher::Blake3, &cols)
                .unwrap()
                .root(),
            a
        );
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert_eq!(
            MerkleTree::from_rows(Hasher::Blake3, &rows(3, 2)).unwrap_err(),
            MerkleError::NotPowerOfTwo(3)
        );
        assert_eq!(
            MerkleTree::from_rows(Hasher::Blake3, &[]).unwrap_err(),
            MerkleError::NotPowerOfTwo(0)
        );
        let t = MerkleTree::from_rows(Hasher::Blake3, &rows(1, 2)).unwrap();
        assert_eq!(t.open(0).unwrap(), Vec::<Digest>::new());
        assert_eq!(t.root(), Hasher::Blake3.hash_elements(&[0, 7]));
        assert!(t.open(1).is_err());
    }
}
