"""StreamField blocks for articles and standard pages; each has its own template."""

from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class PaintingChooserBlock(blocks.PageChooserBlock):
    """Loads every painting of a stream with what its card shows in one query.

    A painting that is unpublished, under a hidden collection or behind a password
    keeps its place (the artist may show it again) but `on_show` is false, and the
    block's template shows nothing of it.

    The page then fetches the renditions of all its images at once.
    """

    def __init__(self, **kwargs):
        super().__init__(page_type="gallery.PaintingPage", **kwargs)

    def bulk_to_python(self, values):
        paintings = (
            self.target_model.objects.with_sale_status()
            .with_on_show()
            .select_related("image", "medium", "sale_state")
        )
        found = paintings.in_bulk(values)
        return [found.get(pk) for pk in values]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading 2"), ("h3", "Heading 3")], default="h2")

    class Meta:
        icon = "title"
        template = "gallery/blocks/heading_block.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "gallery/blocks/captioned_image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "gallery/blocks/quote_block.html"


class PaintingBlock(blocks.StructBlock):
    painting = PaintingChooserBlock()

    class Meta:
        icon = "image"
        template = "gallery/blocks/painting_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        template="gallery/blocks/paragraph_block.html",
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(
        help_text="A video or post URL, e.g. YouTube or Vimeo",
        template="gallery/blocks/embed_block.html",
    )
    painting = PaintingBlock()
