//! The bridge to content generation: a segment profile as [`generate::StageEvidence`].

use super::finish::{ProfileItem, SegmentProfile};
use crate::generate::{self, EvidenceItem, ObjectionEvidence};
use crate::insights::SignalKind;

fn item(item: &ProfileItem) -> EvidenceItem {
    EvidenceItem {
        phrase: item.phrase.clone(),
        count: item.prospects,
        quotes: item.quotes.clone(),
    }
}

impl SegmentProfile {
    /// What generation needs from this stage: pains, desires, objections, buying signals
    /// (commitment and logistics first) and recurring phrases, each ranked by prospects and
    /// carrying its quotes.
    pub fn stage_evidence(&self) -> generate::StageEvidence {
        let mut signals: Vec<_> = self.buying_signals.iter().collect();
        signals.sort_by_key(|s| match s.kind {
            SignalKind::Commitment => 0,
            SignalKind::Logistics => 1,
            SignalKind::Ownership => 2,
            SignalKind::Desire => 3,
        });
        generate::StageEvidence {
            pains: self.pains.iter().map(item).collect(),
            desires: self.desires.iter().map(item).collect(),
            objections: self
                .objections
                .iter()
                .map(|o| ObjectionEvidence {
                    class: o.class,
                    item: item(&o.item),
                })
                .collect(),
            buying_signals: signals.into_iter().map(|s| item(&s.item)).collect(),
            phrases: self
                .phrases
                .iter()
                .map(|p| EvidenceItem {
                    phrase: p.phrase.clone(),
                    count: p.prospects,
                    quotes: p.quotes.clone(),
                })
                .collect(),
        }
    }
}
