//! The few words the tool writes itself (the contents' and the notes'
//! headings, the EPUB's navigation labels and accessibility summary), in
//! the document's language: Swedish and the UN's six official languages,
//! English for any other.
//!
//! A screen reader announces these in the language of the page, so they
//! must be in that language too: an English "Notes" read with Swedish or
//! Arabic pronunciation rules is hard to understand.

/// The generated texts for one language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Strings {
    /// Heading of the table of contents.
    pub contents: &'static str,
    /// Label of the (hidden) landmarks list.
    pub landmarks: &'static str,
    /// Title of the cover page.
    pub cover: &'static str,
    /// Landmark label for the start of the text.
    pub start: &'static str,
    /// Heading of the endnotes page.
    pub notes: &'static str,
    /// Accessible name of a back-link from a note to its reference.
    pub back_to_text: &'static str,
    /// Accessible name of a ticked task box.
    pub task_done: &'static str,
    /// Accessible name of an empty task box.
    pub task_open: &'static str,
    /// Label for a table-of-contents entry whose heading has no text.
    pub untitled: &'static str,
    /// Heading of the (hidden) page list.
    pub pages: &'static str,
    /// The titles of GitHub's alerts: note, tip, important, warning,
    /// caution (see [`Strings::alert`]).
    alerts: [&'static str; 5],
    /// The label of a numbered code listing (mdBook's `<Listing>`).
    pub listing: &'static str,
    /// The label of a listing's file name.
    pub file_name: &'static str,
    /// The summary's first sentence: the conformance claim (with the
    /// space, if any, that the language puts between sentences).
    summary_claim: &'static str,
    /// The sentence that replaces it for a book that makes no claim (see
    /// `crate::conformance`).
    summary_unclaimed: &'static str,
    /// What the book offers, claim or not.
    summary_offers: &'static str,
    summary_images: &'static str,
}

const SWEDISH: Strings = Strings {
    contents: "Innehåll",
    landmarks: "Landmärken",
    cover: "Omslag",
    start: "Början",
    notes: "Noter",
    back_to_text: "Tillbaka till texten",
    task_done: "klar",
    task_open: "inte klar",
    untitled: "Utan rubrik",
    pages: "Sidor",
    alerts: ["Obs!", "Tips", "Viktigt", "Varning", "Se upp"],
    listing: "Kodexempel",
    file_name: "Fil",
    summary_claim: "Publikationen uppfyller EPUB Accessibility 1.1 och WCAG 2.2 nivå AA. ",
    summary_unclaimed: "Publikationen gör inget anspråk på att uppfylla WCAG: \
                        författarens text uppfyller inte alla villkor. ",
    summary_offers: "Den har en innehållsförteckning, rubriker i logisk ordning och en \
                     läsordning som följer texten. Texten kan förstoras och formateras om \
                     i läsprogrammet.",
    summary_images: " Alla bilder har textalternativ.",
};

const ENGLISH: Strings = Strings {
    contents: "Contents",
    landmarks: "Landmarks",
    cover: "Cover",
    start: "Start",
    notes: "Notes",
    back_to_text: "Back to the text",
    task_done: "done",
    task_open: "not done",
    untitled: "Untitled",
    pages: "Pages",
    alerts: ["Note", "Tip", "Important", "Warning", "Caution"],
    listing: "Listing",
    file_name: "Filename",
    summary_claim: "This publication meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA. ",
    summary_unclaimed: "This publication makes no claim to meet WCAG: the author's \
                        text does not meet every condition. ",
    summary_offers: "It has a table of contents, headings in a logical order and a reading \
                     order that follows the text. The text can be enlarged and restyled in \
                     the reading system.",
    summary_images: " All images have text alternatives.",
};

const FRENCH: Strings = Strings {
    contents: "Table des matières",
    landmarks: "Repères",
    cover: "Couverture",
    start: "Début",
    notes: "Notes",
    back_to_text: "Retour au texte",
    task_done: "fait",
    task_open: "à faire",
    untitled: "Sans titre",
    pages: "Pages",
    alerts: [
        "Remarque",
        "Astuce",
        "Important",
        "Avertissement",
        "Attention",
    ],
    listing: "Encart",
    file_name: "Fichier",
    summary_claim: "Cette publication est conforme à EPUB Accessibility 1.1 et aux \
                    WCAG 2.2 niveau AA. ",
    summary_unclaimed: "Cette publication ne se déclare pas conforme aux WCAG\u{202f}: \
                        le texte de l’auteur ne remplit pas toutes les conditions. ",
    summary_offers: "Elle a une table des matières, des titres dans un ordre logique et \
                     un ordre de lecture qui suit le texte. Le texte peut être agrandi et \
                     remis en forme dans le système de lecture.",
    summary_images: " Toutes les images ont un texte de remplacement.",
};

const SPANISH: Strings = Strings {
    contents: "Índice",
    landmarks: "Puntos de referencia",
    cover: "Cubierta",
    start: "Inicio",
    notes: "Notas",
    back_to_text: "Volver al texto",
    task_done: "hecho",
    task_open: "pendiente",
    untitled: "Sin título",
    pages: "Páginas",
    alerts: ["Nota", "Consejo", "Importante", "Advertencia", "Precaución"],
    listing: "Listado",
    file_name: "Archivo",
    summary_claim: "Esta publicación cumple EPUB Accessibility 1.1 y las WCAG 2.2 nivel AA. ",
    summary_unclaimed: "Esta publicación no declara cumplir las WCAG: el texto del autor \
                        no cumple todas las condiciones. ",
    summary_offers: "Tiene un índice, encabezados en orden lógico y un orden de lectura \
                     que sigue el texto. El texto puede ampliarse y adaptarse en el \
                     sistema de lectura.",
    summary_images: " Todas las imágenes tienen un texto alternativo.",
};

const RUSSIAN: Strings = Strings {
    contents: "Содержание",
    landmarks: "Ориентиры",
    cover: "Обложка",
    start: "Начало",
    notes: "Примечания",
    back_to_text: "Назад к тексту",
    task_done: "выполнено",
    task_open: "не выполнено",
    untitled: "Без названия",
    pages: "Страницы",
    alerts: [
        "Примечание",
        "Совет",
        "Важно",
        "Предупреждение",
        "Осторожно",
    ],
    listing: "Листинг",
    file_name: "Файл",
    summary_claim: "Издание соответствует EPUB Accessibility 1.1 и WCAG 2.2 уровня AA. ",
    summary_unclaimed: "Издание не заявляет о соответствии WCAG: текст автора выполняет \
                        не все условия. ",
    summary_offers: "В нём есть оглавление, заголовки в логическом порядке и порядок \
                     чтения, следующий за текстом. Текст можно увеличить и \
                     переформатировать в программе чтения.",
    summary_images: " У всех изображений есть текстовая альтернатива.",
};

const ARABIC: Strings = Strings {
    contents: "المحتويات",
    landmarks: "المعالم",
    cover: "الغلاف",
    start: "البداية",
    notes: "الحواشي",
    back_to_text: "العودة إلى النص",
    task_done: "منجز",
    task_open: "غير منجز",
    untitled: "بلا عنوان",
    pages: "الصفحات",
    alerts: ["ملاحظة", "نصيحة", "مهم", "تحذير", "تنبيه"],
    listing: "الشيفرة",
    file_name: "الملف",
    summary_claim: "يستوفي هذا المنشور معيار EPUB Accessibility 1.1 والمستوى AA من \
                    WCAG 2.2. ",
    summary_unclaimed: "لا يدّعي هذا المنشور استيفاء WCAG: نص المؤلف لا يستوفي جميع \
                        الشروط. ",
    summary_offers: "وفيه جدول للمحتويات وعناوين بترتيب منطقي وترتيب للقراءة يتبع النص. \
                     ويمكن تكبير النص وإعادة تنسيقه في نظام القراءة.",
    summary_images: " ولجميع الصور بدائل نصية.",
};

const CHINESE: Strings = Strings {
    contents: "目录",
    landmarks: "地标",
    cover: "封面",
    start: "开始",
    notes: "注释",
    back_to_text: "返回正文",
    task_done: "已完成",
    task_open: "未完成",
    untitled: "无标题",
    pages: "页码",
    alerts: ["注", "提示", "重要", "警告", "当心"],
    listing: "示例",
    file_name: "文件名",
    summary_claim: "本出版物符合 EPUB Accessibility 1.1 和 WCAG 2.2 AA 级。",
    summary_unclaimed: "本出版物不声明符合 WCAG：作者的文本未满足全部条件。",
    summary_offers: "本书有目录，标题按逻辑顺序排列，阅读顺序与正文一致。\
                     文字可以在阅读系统中放大和重新排版。",
    summary_images: "所有图像都有替代文字。",
};

impl Strings {
    /// The title an alert of `kind` is shown with, as GitHub shows one
    /// above its text.
    pub fn alert(&self, kind: crate::model::Alert) -> &'static str {
        use crate::model::Alert::*;
        let index = match kind {
            Note => 0,
            Tip => 1,
            Important => 2,
            Warning => 3,
            Caution => 4,
        };
        self.alerts[index]
    }

    /// The texts for a BCP 47 language tag, by its primary subtag;
    /// English for a language not listed.
    pub fn for_lang(lang: &str) -> Strings {
        let primary = lang.split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "sv" => SWEDISH,
            "fr" => FRENCH,
            "es" => SPANISH,
            "ru" => RUSSIAN,
            "ar" => ARABIC,
            "zh" => CHINESE,
            _ => ENGLISH,
        }
    }

    /// The `schema:accessibilitySummary`; the sentence about images only
    /// when there are images and all of them have alt text.
    pub fn accessibility_summary(&self, images_described: bool, conforms: bool) -> String {
        // What the book offers holds either way; only the claim changes.
        let first = if conforms {
            self.summary_claim
        } else {
            self.summary_unclaimed
        };
        let mut summary = format!("{first}{}", self.summary_offers);
        if images_described {
            summary.push_str(self.summary_images);
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_chosen_by_the_primary_subtag() {
        assert_eq!(Strings::for_lang("sv").notes, "Noter");
        assert_eq!(Strings::for_lang("sv-FI").notes, "Noter");
        assert_eq!(Strings::for_lang("SV").notes, "Noter");
        assert_eq!(Strings::for_lang("en-GB").notes, "Notes");
        assert_eq!(Strings::for_lang("svx").notes, "Notes");
        assert_eq!(Strings::for_lang("").notes, "Notes");
        assert_eq!(Strings::for_lang("ar").contents, "المحتويات");
        assert_eq!(Strings::for_lang("zh-Hans").contents, "目录");
        assert_eq!(Strings::for_lang("fr-CA").contents, "Table des matières");
    }

    #[test]
    fn the_summary_keeps_what_the_book_offers_without_the_claim() {
        for lang in ["sv", "en", "fr", "es", "ru", "ar", "zh"] {
            let strings = Strings::for_lang(lang);
            let claimed = strings.accessibility_summary(true, true);
            let unclaimed = strings.accessibility_summary(true, false);
            assert!(
                claimed.contains("WCAG") && claimed.contains("AA"),
                "{claimed}"
            );
            assert!(!unclaimed.contains("AA"), "{unclaimed}");
            assert!(claimed.ends_with(strings.summary_images), "{claimed}");
            for summary in [&claimed, &unclaimed] {
                assert!(summary.contains(strings.summary_offers), "{summary}");
                assert!(
                    !summary.contains("  ") && !summary.starts_with(' '),
                    "{summary}"
                );
            }
        }
    }
}
