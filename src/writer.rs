//! A thread of its own that takes values from a bounded queue, in order, and writes them: the
//! writes a run overlaps with its work (the month history, the month's report folder).

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

pub struct WriterThread<T, R> {
    to_writer: Option<SyncSender<T>>,
    writer: Option<JoinHandle<anyhow::Result<R>>>,
}

/// The writer has stopped (it failed; `finish` says why).
#[derive(Debug)]
pub struct Stopped;

impl<T: Send + 'static, R: Send + 'static> WriterThread<T, R> {
    /// `write` takes every value handed on until the queue is closed; at most `waiting` values
    /// wait for it (0: each hand-over waits for the writer).
    pub fn start(
        waiting: usize,
        write: impl FnOnce(Receiver<T>) -> anyhow::Result<R> + Send + 'static,
    ) -> WriterThread<T, R> {
        let (to_writer, values) = mpsc::sync_channel(waiting);
        WriterThread {
            to_writer: Some(to_writer),
            writer: Some(std::thread::spawn(move || write(values))),
        }
    }

    pub fn send(&self, value: T) -> Result<(), Stopped> {
        self.to_writer
            .as_ref()
            .ok_or(Stopped)?
            .send(value)
            .map_err(|_| Stopped)
    }

    /// Close the queue and wait until everything handed on is written.
    pub fn finish(mut self) -> anyhow::Result<R> {
        self.written()
    }

    /// `result`, unless the writer failed: its own error says more than a failure to hand a
    /// value on.
    pub fn finish_after<U>(self, result: anyhow::Result<U>) -> anyhow::Result<U> {
        match (result, self.finish()) {
            (_, Err(written)) => Err(written),
            (result, Ok(_)) => result,
        }
    }

    fn written(&mut self) -> anyhow::Result<R> {
        drop(self.to_writer.take());
        match self.writer.take() {
            Some(writer) => writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => Err(anyhow::anyhow!("写入线程已结束")),
        }
    }
}

impl<T, R> Drop for WriterThread<T, R> {
    /// Unfinished: the queue closes and the writer ends before its owner goes.
    fn drop(&mut self) {
        drop(self.to_writer.take());
        if let Some(writer) = self.writer.take() {
            let _ended = writer.join();
        }
    }
}
