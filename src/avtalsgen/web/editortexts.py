"""The form editor's own texts (@json-editor/json-editor's buttons and messages) and those of
app.js, in the page's language: the form's page carries them as a JSON block
(``editor_texts()`` in editor.html), which app.js gives json-editor as its language. They
are messages of the web catalogue like any other, not a second catalogue in JavaScript.

json-editor fills in ``{{0}}`` and ``{{1}}`` itself (a field's name, a count); a
translation keeps them (``scripts/catalog.py check`` says where one does not). Its error
texts are not shown (the server's checks are, at their fields), but are the page's language
all the same.
"""

from __future__ import annotations

from avtalsgen.i18n import N_, _

#: json-editor's texts by its keys (its ``JSONEditor.defaults.languages.en`` has the same
#: keys: a test checks that none is missing).
EDITOR = {
    "error_notset": N_("Must be given"),
    "error_notempty": N_("Must not be empty"),
    "error_enum": N_("The value must be one of those given"),
    "error_const": N_("The value must be the one given"),
    "error_anyOf": N_("The value must match at least one of the given forms"),
    "error_oneOf": N_(
        "The value must match exactly one of the given forms. Now it matches {{0}} of them."
    ),
    "error_not": N_("The value must not match the given form"),
    "error_type_union": N_("The value must be of one of the given types"),
    "error_type": N_("The value must be of the type {{0}}"),
    "error_disallow_union": N_("The value must not be of any of the types not allowed"),
    "error_disallow": N_("The value must not be of the type {{0}}"),
    "error_multipleOf": N_("The value must be a multiple of {{0}}"),
    "error_maximum_excl": N_("The value must be less than {{0}}"),
    "error_maximum_incl": N_("The value may be at most {{0}}"),
    "error_minimum_excl": N_("The value must be greater than {{0}}"),
    "error_minimum_incl": N_("The value must be at least {{0}}"),
    "error_maxLength": N_("The value may be at most {{0}} characters long"),
    "error_minLength": N_("The value must be at least {{0}} characters long"),
    "error_contains": N_("No item matches the condition"),
    "error_minContains": N_("{{0}} items match the condition, but at least {{1}} must"),
    "error_maxContains": N_("{{0}} items match the condition, but at most {{1}} may"),
    "error_pattern": N_("The value must have the form {{0}}"),
    "error_additionalItems": N_("The list may not have more items"),
    "error_maxItems": N_("The list may have at most {{0}} items"),
    "error_minItems": N_("The list must have at least {{0}} items"),
    "error_uniqueItems": N_("Every item of the list must be unique"),
    "error_maxProperties": N_("At most {{0}} facts may be given"),
    "error_minProperties": N_("At least {{0}} facts must be given"),
    "error_required": N_("The fact {{0}} is missing"),
    "error_additional_properties": N_("The fact {{0}} is not allowed here"),
    "error_property_names_exceeds_maxlength": N_("The name {{0}} is too long"),
    "error_property_names_enum_mismatch": N_("The name {{0}} is not one of those allowed"),
    "error_property_names_const_mismatch": N_("The name {{0}} is not the one allowed"),
    "error_property_names_pattern_mismatch": N_("The name {{0}} does not have the allowed form"),
    "error_property_names_false": N_("The name {{0}} is not allowed"),
    "error_property_names_maxlength": N_(
        "The name {{0}} cannot be checked against an invalid length"
    ),
    "error_property_names_enum": N_("The name {{0}} cannot be checked against an invalid list"),
    "error_property_names_pattern": N_("The name {{0}} cannot be checked against an invalid form"),
    "error_property_names_unsupported": N_("The name rule {{0}} is not supported"),
    "error_dependency": N_("The fact {{0}} must be given"),
    "error_date": N_("A date is written {{0}}"),
    "error_time": N_("A time is written {{0}}"),
    "error_datetime_local": N_("A date and time are written {{0}}"),
    "error_invalid_epoch": N_("The date must be later than 1 January 1970"),
    "error_ipv4": N_(
        "The value must be an IPv4 address: four numbers between 0 and 255 separated by dots"
    ),
    "error_ipv6": N_("The value must be an IPv6 address"),
    "error_hostname": N_("The value is not a valid host name"),
    # json-editor puts the size or the formats right after these two.
    "upload_max_size": N_("The file is too large. It may be at most "),
    "upload_wrong_file_format": N_("Wrong file format. Formats allowed: "),
    "button_upload": N_("Upload"),
    "flatpickr_toggle_button": N_("Show or hide"),
    "flatpickr_clear_button": N_("Clear"),
    "choices_placeholder_text": N_("Type to add"),
    "button_delete_node_warning": N_("Do you want to remove this?"),
    "paste_max_length_reached": N_(
        "The pasted text was longer than {{0}} characters and has been shortened."
    ),
    "button_add": N_("Add"),
    "button_add_row_title": N_("Add {{0}}"),
    "button_delete_all": N_("All"),
    "button_delete_all_title": N_("Remove all"),
    "button_delete_last": N_("Last {{0}}"),
    "button_delete_last_title": N_("Remove the last {{0}}"),
    "button_move_down_title": N_("Move down"),
    "button_move_up_title": N_("Move up"),
    "button_delete_row_title": N_("Remove {{0}}"),
    "button_delete_row_title_short": N_("Remove"),
    "button_copy_row_title": N_("Copy {{0}}"),
    "button_copy_row_title_short": N_("Copy"),
    "button_collapse": N_("Collapse"),
    "button_expand": N_("Expand"),
    "button_properties": N_("Properties"),
    "button_object_properties": N_("Properties"),
    "button_edit_json": N_("Edit JSON"),
    "button_save": N_("Save"),
    "button_cancel": N_("Cancel"),
    "button_copy": N_("Copy"),
    "default_array_item_title": N_("item"),
    "table_controls": N_("Actions"),
}

#: app.js's own texts: what it says when it fills in a form again from the tab's copy.
PAGE = {
    "draft_restored": N_(
        "What you typed here before is filled in again. It is not saved: check it and save."
    ),
    "draft_discard": N_("Discard it and read the file again"),
}


def editor_texts() -> dict[str, object]:
    """The texts of the form's page in the current language: json-editor's under
    ``editor``, app.js's own beside them."""
    texts: dict[str, object] = {key: _(text) for key, text in PAGE.items()}
    texts["editor"] = {key: _(text) for key, text in EDITOR.items()}
    return texts
