//! Deflate for the PDF: zlib streams for `/FlateDecode` (RFC 1950),
//! spread over two threads when there is enough to share.

/// One compressor for many buffers: setting one up costs as much as
/// compressing a page's content, so it is reset, not remade.
pub struct Deflater(flate2::Compress);

impl Deflater {
    /// A compressor at the default level: for PDF streams (glyph codes,
    /// coordinates) level 2 made the 100× summit's PDF 9 % larger.
    pub fn new() -> Self {
        Deflater(flate2::Compress::new(flate2::Compression::default(), true))
    }

    /// Compresses `data` as one stream.
    pub fn deflate(&mut self, data: &[u8]) -> Vec<u8> {
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = self.0.total_in() as usize;
            let status = self
                .0
                .compress_vec(&data[consumed..], &mut out, flate2::FlushCompress::Finish)
                .expect("deflating into a growable buffer cannot fail");
            if status == flate2::Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    }
}

/// A buffer after [`deflate_each`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deflated {
    /// As it was: deflating would not have made it smaller (a PNG, a
    /// JPEG, a few bytes).
    Plain(Vec<u8>),
    /// Deflated.
    Flate(Vec<u8>),
}

/// What saying "deflated" costs a PDF stream's dictionary: a buffer that
/// deflating shrinks by no more is kept as it is.
const ROOM: usize = 19;

impl Deflated {
    fn of(deflater: &mut Deflater, plain: Vec<u8>) -> Deflated {
        let compressed = deflater.deflate(&plain);
        if compressed.len() + ROOM < plain.len() {
            Deflated::Flate(compressed)
        } else {
            Deflated::Plain(plain)
        }
    }
}

/// Two threads that deflate buffers handed over one at a time (a PDF's
/// page contents, as printpdf writes them), while the thread that hands
/// them over goes on. Each buffer is its own stream, so which thread
/// deflates it changes no byte.
pub struct DeflatePool<'scope> {
    workers: Vec<Worker<'scope>>,
    /// How many buffers were handed over.
    count: usize,
}

struct Worker<'scope> {
    sender: std::sync::mpsc::Sender<(usize, Vec<u8>)>,
    done: std::thread::ScopedJoinHandle<'scope, Vec<(usize, Deflated)>>,
    /// Bytes handed to it so far.
    load: usize,
}

impl<'scope> DeflatePool<'scope> {
    /// Starts the threads in `scope`.
    pub fn new<'env>(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        let workers = (0..2)
            .map(|_| {
                let (sender, receiver) = std::sync::mpsc::channel::<(usize, Vec<u8>)>();
                let done = scope.spawn(move || {
                    let mut deflater = Deflater::new();
                    receiver
                        .into_iter()
                        .map(|(i, plain)| (i, Deflated::of(&mut deflater, plain)))
                        .collect()
                });
                Worker {
                    sender,
                    done,
                    load: 0,
                }
            })
            .collect();
        DeflatePool { workers, count: 0 }
    }

    /// Hands over the next buffer, to the thread with the fewer bytes.
    pub fn push(&mut self, plain: Vec<u8>) {
        let worker = self
            .workers
            .iter_mut()
            .min_by_key(|worker| worker.load)
            .expect("two workers");
        worker.load += plain.len();
        worker
            .sender
            .send((self.count, plain))
            .expect("a deflating thread ends only when its sender is dropped");
        self.count += 1;
    }

    /// Every buffer handed over, deflated where that makes it smaller, in
    /// the order they were handed over.
    pub fn finish(self) -> Vec<Deflated> {
        let done: Vec<Vec<(usize, Deflated)>> = self
            .workers
            .into_iter()
            .map(|worker| {
                // Its sender dropped, the thread ends with what it has.
                drop(worker.sender);
                join(worker.done)
            })
            .collect();
        in_order(self.count, done.into_iter().flatten())
    }
}

/// Deflates each buffer, keeping as they are those deflating would not
/// shrink by more than `ROOM` bytes. Each buffer is its own stream, so
/// sharing the work changes no byte: largest first, each to the lighter
/// of two threads, when there is enough for two.
pub fn deflate_each(buffers: Vec<Vec<u8>>) -> Vec<Deflated> {
    let mut order: Vec<usize> = (0..buffers.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(buffers[i].len()));
    let (mut left, mut right) = (Vec::new(), Vec::new());
    let (mut left_size, mut right_size) = (0, 0);
    for i in order {
        if left_size <= right_size {
            left_size += buffers[i].len();
            left.push(i);
        } else {
            right_size += buffers[i].len();
            right.push(i);
        }
    }
    // Each share takes its buffers, so a buffer deflating does not shrink
    // goes back as it is, not copied.
    let mut buffers: Vec<Option<Vec<u8>>> = buffers.into_iter().map(Some).collect();
    let mut take = |share: &[usize]| -> Vec<(usize, Vec<u8>)> {
        share
            .iter()
            .map(|&i| (i, buffers[i].take().expect("each buffer is in one share")))
            .collect()
    };
    let (left, right) = (take(&left), take(&right));
    let count = buffers.len();
    let deflate_share = |share: Vec<(usize, Vec<u8>)>| {
        let mut deflater = Deflater::new();
        share
            .into_iter()
            .map(|(i, plain)| (i, Deflated::of(&mut deflater, plain)))
            .collect::<Vec<_>>()
    };
    // A thread costs tens of microseconds; deflating 16 KB, about a
    // hundred.
    let (left_out, right_out) = if right_size < 16 * 1024 {
        // Too little to be worth a thread.
        (deflate_share(left), deflate_share(right))
    } else {
        std::thread::scope(|scope| {
            let right_out = scope.spawn(|| deflate_share(right));
            let left_out = deflate_share(left);
            (left_out, join(right_out))
        })
    };
    in_order(count, left_out.into_iter().chain(right_out))
}

/// The result of a deflating thread; its panic, if it had one.
fn join<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// `count` buffers, each given once with its index, put back in order.
fn in_order(count: usize, deflated: impl Iterator<Item = (usize, Deflated)>) -> Vec<Deflated> {
    let mut out: Vec<Option<Deflated>> = vec![None; count];
    for (i, buffer) in deflated {
        out[i] = Some(buffer);
    }
    out.into_iter()
        .map(|slot| slot.expect("each buffer comes back once"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn each_buffer_inflates_back_in_its_place() {
        let text: Vec<u8> = "Millenniemålen ".repeat(20_000).into_bytes();
        let buffers = vec![text.clone(), b"kort".to_vec(), text[..70_000].to_vec()];
        let out = deflate_each(buffers.clone());
        assert_eq!(out[1], Deflated::Plain(b"kort".to_vec()));
        for (i, original) in [(0, &buffers[0]), (2, &buffers[2])] {
            let Deflated::Flate(bytes) = &out[i] else {
                panic!("repetitive text deflates")
            };
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&bytes[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(&back, original);
        }
    }

    #[test]
    fn the_pool_gives_what_deflating_them_all_at_once_gives() {
        let text: Vec<u8> = "Toppmötet i New York ".repeat(5_000).into_bytes();
        let buffers: Vec<Vec<u8>> = (0..7)
            .map(|i| text[..text.len() / (i + 1)].to_vec())
            .chain([b"kort".to_vec(), Vec::new()])
            .collect();
        let pooled = std::thread::scope(|scope| {
            let mut pool = DeflatePool::new(scope);
            for buffer in &buffers {
                pool.push(buffer.clone());
            }
            pool.finish()
        });
        assert_eq!(pooled, deflate_each(buffers));
    }
}
