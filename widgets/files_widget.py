"""« Mes fichiers »: the file manager page (Mes documents, Ma clé USB, Corbeille) for beginners.

One list, one chosen item, one action at a time: an action that needs an answer opens one
small form (a name, a destination, a yes/no), and the message area (role status) always says
what happened and what to do next. All the work is done by FilesStore, which a test or a
simulated learner can also drive through these very widgets (`.value`, `.click()`). Every
name shown in HTML is escaped; downloads are `data:` links, the only anchors on the page.
"""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.files_store import FilesStore, Item, TrashItem
from tremplin.widgets.i18n import number, t

LOG = logging.getLogger(__name__)
TRASH = "trash"
ACCEPT = ".pdf,.docx,.png,.jpg,.jpeg"
MIME = {".pdf": "application/pdf", ".zip": "application/zip", ".png": "image/png", ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return t("files.size_mb", size=number(size / (1024 * 1024)))
    if size >= 1024:
        return t("files.size_kb", size=number(round(size / 1024)))
    return t("files.size_bytes", size=size)


def where_text(place: str, folder: str = "") -> str:
    """« Mes documents › Candidatures › 2026 » (plain text: escape it where it is shown)."""
    parts = [t(f"files.place_{place}")] + [part for part in folder.split("/") if part]
    return " › ".join(parts)


def download_link(name: str, data: bytes) -> str:
    """An anchor the browser saves as `name`; the data travels in the page (Voilà serves no file)."""
    mime = MIME.get(Path(name).suffix.lower(), "application/octet-stream")
    encoded = base64.b64encode(data).decode("ascii")
    label = html.escape(t("files.download_link", name=name))
    return (f'<p><a download="{html.escape(name, quote=True)}" href="data:{mime};base64,{encoded}" '
            f'class="tremplin-download">⬇ {label}</a></p>')


def when(moment: datetime | str) -> str:
    """A date as French readers write it, in this computer's time zone (« 29/11/2026 07:28 »)."""
    try:
        value = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    except ValueError:
        return str(moment)[:16]
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def _cell(text: str) -> str:
    return f"<td>{html.escape(text)}</td>"


def listing_html(items: list[Item], where: str) -> str:
    if not items:
        return f"<p><em>{html.escape(t('files.folder_empty'))}</em></p>"
    rows = "".join(
        f"<tr><td>{'📁' if item.is_dir else '📄'} {html.escape(item.name)}</td>"
        + _cell(t("files.folder_word") if item.is_dir else size_text(item.size))
        + _cell(when(item.modified)) + "</tr>"
        for item in items
    )
    return _table(where, ("column_name", "column_size", "column_modified"), rows)


def trash_html(items: list[TrashItem]) -> str:
    if not items:
        return f"<p><em>{html.escape(t('files.trash_empty'))}</em></p>"
    rows = "".join(
        f"<tr><td>{'📁' if item.is_dir else '📄'} {html.escape(item.name)}</td>"
        + _cell(where_text(item.place, item.path.rpartition("/")[0])) + _cell(when(item.deleted_at))
        + "</tr>" for item in items
    )
    return _table(t("files.place_trash"), ("column_name", "column_from", "column_deleted"), rows)


def _table(where: str, columns: tuple[str, ...], rows: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(t("files." + key))}</th>' for key in columns)
    caption = html.escape(t("files.listing_caption", where=where))
    return (f'<table class="tremplin-files"><caption>{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _button(key: str, icon: str, handler: Callable[[], Any], style: str = "") -> w.Button:
    button = w.Button(description=t(f"files.{key}"), icon=icon, button_style=style,
                      layout=w.Layout(width="auto"))
    button.on_click(lambda _b: handler())
    return button


class FilesWidget:
    """The whole page; `.widget` is its root box. Each button's work is also a method."""

    def __init__(self, workspace: Any, journal: Any = None) -> None:
        self.workspace = workspace
        self.store = FilesStore(workspace, journal)
        self.place, self.folder = "documents", ""
        self._confirm_action: Callable[[], Any] | None = None
        self.places = w.ToggleButtons(
            options=[(t("files.place_documents"), "documents"), (t("files.place_usb"), "usb"),
                     (t("files.place_trash"), TRASH)], value="documents", description=t("files.places"))
        self.places.observe(lambda change: self.go(change["new"], ""), names="value")
        self.where = w.HTML()
        self.up_button = _button("up", "arrow-up", self.go_up)
        self.listing = w.HTML()
        self.choice = w.Select(description=t("files.choose"), rows=8, layout=w.Layout(width="95%"))
        self.open_button = _button("open", "folder-open", self.open_selected, "primary")
        self.new_folder_button = _button("new_folder", "folder", self.ask_new_folder)
        self.rename_button = _button("rename", "pencil", self.ask_rename)
        self.move_button = _button("move", "arrows", self.ask_move)
        self.copy_button = _button("copy_usb", "usb", self.ask_copy)
        self.delete_button = _button("delete", "trash", self.ask_delete)
        self.download_button = _button("download", "download", self.download_selected)
        self.upload_button = _button("upload", "upload", self.ask_upload)
        self.print_button = _button("print", "print", self.ask_print)
        self.search_button = _button("search", "search", self.ask_search)
        self.restore_button = _button("restore", "undo", self.restore_selected, "primary")
        self.empty_button = _button("empty_trash", "trash", self.ask_empty_trash)
        # the form widgets: only the ones an action needs are shown, in `self.form`
        self.question = w.HTML()
        self.name_text = w.Text(layout=w.Layout(width="60%"))
        self.destination = w.Dropdown(layout=w.Layout(width="60%"))
        self.replace_box = w.Checkbox(value=False, description=t("files.form_replace"), indent=False)
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description=t("files.upload_button"))
        self.upload.observe(self._uploaded, names="value")
        self.cv_choice = w.Dropdown(description=t("files.print_cv"), layout=w.Layout(width="60%"))
        self.letter_choice = w.Dropdown(description=t("files.print_letter"), layout=w.Layout(width="60%"))
        self.other_choice = w.Dropdown(description=t("files.print_other"), layout=w.Layout(width="60%"))
        self.results = w.Select(description=t("files.search_results"), rows=5, layout=w.Layout(width="95%"))
        self.confirm_button = w.Button(description=t("files.confirm"), button_style="primary", icon="check")
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.cancel_button = _button("cancel", "times", self.close_form)
        self.form = w.VBox()
        self.form.add_class("tremplin-files-form")
        self.status = w.HTML()
        self.download = w.HTML()
        self.file_actions = w.HBox([self.open_button, self.new_folder_button, self.rename_button,
                                    self.move_button, self.copy_button, self.delete_button,
                                    self.download_button], layout=w.Layout(flex_flow="row wrap"))
        self.more_actions = w.HBox([self.upload_button, self.print_button, self.search_button],
                                   layout=w.Layout(flex_flow="row wrap"))
        self.trash_actions = w.HBox([self.restore_button, self.empty_button])
        heading = w.HTML(f"<h2>{html.escape(t('files.heading'))}</h2><p>{html.escape(t('files.intro'))}</p>")
        self.widget = w.VBox([heading, self.places, w.HBox([self.where, self.up_button]), self.listing,
                              self.choice, self.file_actions, self.more_actions, self.trash_actions,
                              self.form, self.status, self.download])
        self.widget.add_class("tremplin-files")
        self.refresh()

    # -- messages --------------------------------------------------------------------------------------

    def say(self, key: str, **values: object) -> None:
        self.status.value = f'<p role="status">{html.escape(t(key, **values))}</p>'

    def _finish(self, key: str, **values: object) -> None:
        """After an action that worked: close its form, show the new state, say what happened."""
        self.close_form()
        self.refresh()
        self.say(key, **values)

    def _fail(self, error: Exception, key: str = "") -> None:
        if isinstance(error, TremplinError):
            text = t(key, reason=str(error)) if key else str(error)
        else:
            LOG.exception("file manager action failed")
            text = t("files.failed")
        self.status.value = f'<p role="alert">{html.escape(text)}</p>'

    def _run(self, action: Callable[[], Any], key: str = "") -> Any:
        """Do one store action; a problem becomes a French message (and the list is reloaded)."""
        try:
            return action()
        except Exception as error:  # learners never see a traceback
            self._fail(error, key)
            self.refresh(keep_status=True)
            return None

    # -- where we are ----------------------------------------------------------------------------------

    def go(self, place: str, folder: str = "") -> None:
        """Show a place (documents, usb, trash) at `folder`."""
        if self.places.value != place:
            self.places.value = place  # observing calls go(place, "") first, harmlessly
        self.place, self.folder = place, folder
        self.close_form()
        self.download.value = ""
        self.choice.value = None
        self.refresh()

    def go_up(self) -> None:
        if self.place != TRASH and self.folder:
            self.go(self.place, self.folder.rpartition("/")[0])

    def refresh(self, keep_status: bool = False) -> None:
        in_trash = self.place == TRASH
        self.trash_actions.layout.display = "flex" if in_trash else "none"
        self.file_actions.layout.display = self.more_actions.layout.display = "none" if in_trash else "flex"
        self.copy_button.layout.display = "none" if self.place == "usb" else ""
        self.up_button.layout.display = "" if self.folder and not in_trash else "none"
        try:
            if in_trash:
                items: list[Any] = self.store.trash_items()
                self.listing.value = trash_html(items)
                options = [(f"{'📁' if i.is_dir else '📄'} {i.name}", i.id) for i in items]
            else:
                items = self.store.list(self.place, self.folder)
                self.listing.value = listing_html(items, where_text(self.place, self.folder))
                options = [(f"{'📁' if i.is_dir else '📄'} {i.name}", i.path) for i in items]
        except TremplinError as error:
            options, self.listing.value = [], ""
            self._fail(error)
            if self.folder:  # the folder is gone (moved, deleted elsewhere): back to the top
                self.folder = ""
                self.refresh(keep_status=True)
                return
            keep_status = True
        here = html.escape(t("files.you_are_in", where=self._where()))
        self.where.value = f"<p><strong>{here}</strong></p>"
        chosen = self.choice.value
        self.choice.options = options
        self.choice.value = chosen if chosen in [value for _label, value in options] else None
        if self.store.notices:
            self.status.value = "".join(f'<p role="alert">{html.escape(n)}</p>' for n in self.store.notices)
            self.store.notices.clear()
        elif not keep_status:
            self.status.value = ""

    def _where(self, place: str | None = None, folder: str | None = None) -> str:
        return where_text(place or self.place, self.folder if folder is None else folder)

    def select(self, name: str) -> None:
        """Choose the item called `name` in the list (for drivers: the same as clicking it)."""
        for label, value in self.choice.options:
            if label.split(" ", 1)[1] == name:
                self.choice.value = value
                return
        raise KeyError(name)

    def _chosen(self) -> str | None:
        if not self.choice.value:
            self.say("files.choose_first_item")
            return None
        return self.choice.value

    def _chosen_name(self) -> str:
        return str(self.choice.value).rpartition("/")[2]

    # -- forms: one question at a time -------------------------------------------------------------------

    def _ask(self, question: str, fields: list[w.Widget], confirm_key: str,
             action: Callable[[], Any]) -> None:
        self.download.value = ""
        self.name_text.description = ""
        self.question.value = f"<p><strong>{html.escape(question)}</strong></p>"
        self.confirm_button.description = t(f"files.{confirm_key}")
        self._confirm_action = action
        self.form.children = (self.question, *fields, w.HBox([self.confirm_button, self.cancel_button]))

    def confirm(self) -> Any:
        action = self._confirm_action
        if action is None:
            return None
        return action()

    def close_form(self) -> None:
        self._confirm_action = None
        self.form.children = ()

    def _destinations(self, places: tuple[str, ...]) -> list[tuple[str, tuple[str, str]]]:
        options = []
        for place in places:
            for folder in self._run(lambda place=place: self.store.tree(place)) or []:
                options.append((where_text(place, folder), (place, folder)))
        return options

    # -- actions on the chosen item ---------------------------------------------------------------------

    def open_selected(self) -> None:
        """A folder: go into it. A file: say what it is and give its link (records files.open)."""
        path = self._chosen()
        if path is None:
            return
        item = self._run(lambda: self.store.open(self.place, path))
        if item is None:
            return
        if item.is_dir:
            self.go(self.place, item.path)
            return
        data = self._run(lambda: self.store.read_bytes(self.place, path, record=False))
        if data is None:
            return
        self.say("files.opened", name=item.name, size=size_text(item.size), where=self._where(),
                 date=when(item.modified))
        self.download.value = download_link(item.name, data)

    def ask_new_folder(self) -> None:
        self.name_text.value = ""
        self._ask(t("files.form_new_folder"), [self.name_text], "confirm", self.make_folder)

    def make_folder(self) -> None:
        path = self._run(lambda: self.store.mkdir(self.place, self.name_text.value, self.folder))
        if path:
            self._finish("files.folder_made", name=path.rpartition("/")[2])

    def ask_rename(self) -> None:
        path = self._chosen()
        if path is None:
            return
        self.name_text.value = self._chosen_name()
        self._ask(t("files.form_rename", name=self._chosen_name()), [self.name_text], "confirm",
                  lambda: self.rename(path))

    def rename(self, path: str) -> None:
        new_path = self._run(lambda: self.store.rename(self.place, path, self.name_text.value))
        if new_path:
            self._finish("files.renamed", name=new_path.rpartition("/")[2])

    def ask_move(self) -> None:
        path = self._chosen()
        if path is None:
            return
        self.destination.options = self._destinations(("documents", "usb"))
        self.destination.value = (self.place, self.folder)
        self._ask(t("files.form_move", name=self._chosen_name()), [self.destination], "confirm",
                  lambda: self.move(path))

    def move(self, path: str) -> None:
        to_place, to_folder = self.destination.value
        moved = self._run(lambda: self.store.move(self.place, path, to_folder, to_place))
        if moved:
            self._finish("files.moved", name=moved.rpartition("/")[2], where=where_text(to_place, to_folder))

    def ask_copy(self) -> None:
        if self.place != "documents":
            self.say("files.copy_only_documents")
            return
        path = self._chosen()
        if path is None:
            return
        self.destination.options = self._destinations(("usb",))
        self.destination.value = ("usb", "")
        self.replace_box.value = False
        self._ask(t("files.form_copy", name=self._chosen_name()), [self.destination, self.replace_box],
                  "confirm_copy_usb", lambda: self.copy_to_usb(path))

    def copy_to_usb(self, path: str) -> None:
        _usb, folder = self.destination.value
        result = self._run(lambda: self.store.copy_to_usb(path, folder, replace=self.replace_box.value))
        if result:
            self._finish("files.copied", name=result.path.rpartition("/")[2], checksum=result.sha256[:8])

    def ask_delete(self) -> None:
        path = self._chosen()
        if path is None:
            return
        self._ask(t("files.form_delete", name=self._chosen_name()), [], "form_delete_yes",
                  lambda: self.delete(path))

    def delete(self, path: str) -> None:
        if self._run(lambda: self.store.delete(self.place, path)):
            self._finish("files.deleted", name=path.rpartition("/")[2])

    def download_selected(self) -> None:
        """A file: a link to it. A folder: a link to a zip of it."""
        path = self._chosen()
        if path is None:
            return
        self.close_form()
        target = self._run(lambda: self.store.resolve(self.place, path))
        if target is None:
            return
        if target.is_dir():
            name = f"{target.name}.zip"
            data = self._run(lambda: self.store.zip_folder(self.place, path))
        else:
            name = target.name
            data = self._run(lambda: self.store.read_bytes(self.place, path))
        if data is not None:
            self.say("files.download_ready", name=name)
            self.download.value = download_link(name, data)

    # -- trash ---------------------------------------------------------------------------------------------

    def restore_selected(self) -> None:
        trash_id = self._chosen()
        if trash_id is None:
            return
        restored = self._run(lambda: self.store.restore(trash_id))
        if restored:
            place, path = restored
            self._finish("files.restored", name=path.rpartition("/")[2],
                         where=where_text(place, path.rpartition("/")[0]))

    def ask_empty_trash(self) -> None:
        self._ask(t("files.form_empty_trash"), [], "form_empty_yes", self.empty_trash)

    def empty_trash(self) -> None:
        count = self._run(self.store.empty_trash)
        if count is not None:
            self._finish("files.trash_emptied", count=count)

    # -- bringing files in, printing, finding -------------------------------------------------------------

    def ask_upload(self) -> None:
        """The upload saves as soon as a file is chosen: the only button left is « Annuler »."""
        self._ask(t("files.form_upload", where=self._where()), [], "cancel", self.close_form)
        self.upload.value = ()
        self.form.children = (self.question, self.upload, self.cancel_button)

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        name = str(upload.get("name", ""))
        data = bytes(upload.get("content", b""))
        path = self._run(lambda: self.store.save_upload(self.place, self.folder, name, data),
                         "files.upload_refused")
        self.upload.value = ()  # observing again with an empty value does nothing
        if path:
            self._finish("files.uploaded", name=path.rpartition("/")[2], where=self._where())

    def ask_print(self) -> None:
        pdfs = self._run(lambda: self.store.files("documents", ".pdf")) or []
        if not pdfs:
            self.close_form()
            self.say("files.print_nothing")
            return
        options = [(where_text("documents", item.path).split(" › ", 1)[1], item.path) for item in pdfs]
        self.cv_choice.options = options
        self.cv_choice.value = next((p for _l, p in options if "cv" in p.lower()), options[0][1])
        self.letter_choice.options = [(t("files.print_no_letter"), ""), *options]
        self.letter_choice.value = next((p for _l, p in options if "lettre" in p.lower()), "")
        self.other_choice.options = [(t("files.print_no_other"), ""), *options]
        self.other_choice.value = ""
        self.name_text.value = t("files.print_default_name")
        choices = [self.cv_choice, self.letter_choice, self.other_choice, self.name_text]
        self._ask(t("files.form_print"), choices, "confirm_print", self.print_pack)
        self.name_text.description = t("files.print_name")

    def print_pack(self) -> None:
        """CV, letter, then another document if chosen (a diploma, a certificate…) in one A4 PDF in
        Mes documents (documents.print_pack records the event)."""
        chosen = (self.cv_choice.value, self.letter_choice.value, self.other_choice.value)
        files = list(dict.fromkeys(path for path in chosen if path))
        name = self.name_text.value

        def build() -> Path:
            from tremplin.widgets.documents.print_pack import print_pack

            return print_pack(self.workspace, files, name, journal=self.store.journal)

        made = self._run(build)
        if made is None:
            return
        made = Path(made)
        self.close_form()
        self.go("documents", "")
        self.say("files.printed", name=made.name)
        self.download.value = download_link(made.name, made.read_bytes())

    def ask_search(self) -> None:
        self.name_text.value = ""
        self.results.options = []
        self._ask(t("files.form_search"), [self.name_text], "confirm_search", self.search)

    def search(self) -> None:
        found = self._run(lambda: self.store.find(self.name_text.value)) or []
        self.results.options = [(where_text(i.place, i.path), (i.place, i.path)) for i in found]
        self.results.value = None
        go = _button("search_go", "folder-open", self.go_to_result, "primary")
        buttons = w.HBox([self.confirm_button, self.cancel_button])
        self.form.children = (self.question, self.name_text, buttons, *((self.results, go) if found else ()))
        if found:
            self.say("files.search_found", count=len(found))
        else:
            self.say("files.search_none", text=self.name_text.value)

    def go_to_result(self) -> None:
        """Open the folder of the chosen result and choose the file in it (records files.open)."""
        if not self.results.value:
            self.say("files.choose_first_item")
            return
        place, path = self.results.value
        folder, _slash, name = path.rpartition("/")
        self.go(place, folder)
        self.select(name)
        self.open_selected()
