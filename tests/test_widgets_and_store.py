"""The widgets and the answer store: click and code give one result; answers survive restarts;
bad files and unwritable folders lose nothing."""
import json
import os
import warnings

import pytest

import pactlab
from pactlab.bank import UnknownQuestion, load_bank
from pactlab.store import AnswerStore, StoreWarning

LESSON = "00_start_here"


@pytest.fixture
def answers(tmp_path, monkeypatch):
    folder = tmp_path / "answers"
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(folder))
    monkeypatch.setenv("PACTLAB_STUDENT", "ada")
    return folder


def keyed(qid):
    return load_bank(LESSON)[qid].key


def set_widget(view, value):
    """Put an answer into the widget the way a student's clicks would."""
    kind = view.question.kind
    if kind == "choice":
        view.radio.value = value
    elif kind == "multi":
        for k, box in view.boxes.items():
            box.value = k in value
    elif kind == "order":
        # choose each item in turn and press Move up until the order matches
        target = list(value)
        for pos, item in enumerate(target):
            view.pick.value = item
            while view.order.index(item) > pos:
                view.up.click()
        if view.order == target and not view.touched:  # it started in that order: move twice
            view.pick.value = target[0]
            view.down.click()
            view.up.click()
    elif kind == "match":
        for k, drop in view.drops.items():
            drop.value = value[k]
    else:
        view.text.value = value if isinstance(value, str) else str(value)


# one right and one wrong answer for each question of the start-here bank
CASES = {
    "start-choice": ("b", "a"),
    "start-multi": (["kcna", "tass", "rodong"], ["kcna", "nhk"]),
    "start-order": (["sign", "duma", "putin", "force"], ["duma", "sign", "putin", "force"]),
    "start-match": ({"text": "primary", "reuters": "secondary", "decree": "primary",
                     "analysis": "secondary"},
                    {"text": "secondary", "reuters": "secondary", "decree": "primary",
                     "analysis": "primary"}),
    "start-number": ("23", "21"),
    "start-date": ("4 December 2024", "2024-06-19"),
    "start-text": ("Pyongyang", "Vostochny"),
    "start-data": ("180", "4"),
}


@pytest.mark.parametrize("qid", sorted(CASES))
@pytest.mark.parametrize("which", [0, 1], ids=["right", "wrong"])
def test_click_and_code_give_the_same_result(answers, qid, which):
    value = CASES[qid][which]
    by_code = pactlab.start(LESSON, student="code").question(qid)
    code_result = by_code.answer(value)
    by_click = pactlab.start(LESSON, student="click").question(qid)
    set_widget(by_click, value)
    by_click.click()
    assert by_click.result is not None, by_click.feedback.value
    assert by_click.result == code_result
    # the same feedback; a click's is announced at once (role=alert), code's politely
    assert by_click._feedback_body == by_code._feedback_body
    assert "role='alert'" in by_click.feedback.value
    assert "role='status'" in by_code.feedback.value
    assert code_result.correct is (which == 0)


def test_the_bank_keys_are_what_the_cases_call_right():
    # guards the table above against drifting from the bank
    for qid, (right, _wrong) in CASES.items():
        assert load_bank(LESSON)[qid].check(right).correct, qid


@pytest.mark.parametrize("qid", sorted(CASES))
def test_saved_answer_is_restored_after_a_restart(answers, qid):
    first = pactlab.start(LESSON).question(qid)
    result = first.answer(CASES[qid][1])
    path = answers / "ada" / f"{LESSON}.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["answers"][qid]["answer"] == result.answer
    restarted = pactlab.start(LESSON).question(qid)  # a new kernel reads the file
    assert restarted.result == result
    assert "restored" in restarted.feedback.value
    assert restarted.read() == first.read()


def test_invalid_answer_shows_message_never_raises_and_saves_nothing(answers, capsys):
    view = pactlab.start(LESSON).question("start-date")
    view.text.value = "04/05/2024"
    view.click()
    assert "ambiguous" in view.feedback.value and view.result is None
    capsys.readouterr()
    assert view.answer("04/05/2024") is None  # Run All goes on
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 1 and printed[0].startswith("✘ start-date:")
    assert "ambiguous" in printed[0]
    assert "ambiguous" in view.feedback.value
    assert not (answers / "ada" / f"{LESSON}.json").exists()
    choice = pactlab.start(LESSON).question("start-choice")
    choice.click()  # nothing selected
    assert "No option chosen" in choice.feedback.value


def test_attempts_are_counted_and_last_answer_wins(answers):
    view = pactlab.start(LESSON).question("start-choice")
    view.answer("a")
    view.answer("b")
    record = AnswerStore(LESSON).get("start-choice")
    assert record["attempts"] == 2 and record["answer"] == "b"


def test_unknown_question_id_names_it_and_the_bank(answers):
    with pytest.raises(UnknownQuestion) as err:
        pactlab.start(LESSON).question("no-such-question")
    message = str(err.value)
    assert "no-such-question" in message and "00_start_here.json" in message
    assert "start-choice" in message
    with pytest.raises(FileNotFoundError, match="No question bank for lesson '99_nope'"):
        pactlab.start("99_nope")


def test_corrupted_answers_file_is_moved_aside_and_warned_about(answers):
    folder = answers / "ada"
    folder.mkdir(parents=True)
    broken = folder / f"{LESSON}.json"
    broken.write_text('{"answers": {"start-choice": {"answ', encoding="utf-8")
    with pytest.warns(StoreWarning, match="could not be read"):
        course = pactlab.start(LESSON)
    kept = list(folder.glob(f"{LESSON}.unreadable-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith('{"answers"')
    assert str(kept[0]) in course.store.warnings[0]
    assert "could not be read" in course.progress().html.value
    course.question("start-choice").answer("b")  # the notebook keeps working
    assert json.loads(broken.read_text(encoding="utf-8"))["answers"]["start-choice"]


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"[1, 2, 3]",
                                     b'{"answers": {"q": 5}}'])
def test_other_unreadable_files_are_kept_too(answers, content):
    folder = answers / "ada"
    folder.mkdir(parents=True)
    (folder / f"{LESSON}.json").write_bytes(content)
    with pytest.warns(StoreWarning):
        store = AnswerStore(LESSON)
    assert store.answers == {}
    assert [p.read_bytes() for p in folder.glob("*.unreadable-*.json")] == [content]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_unwritable_folder_keeps_answers_in_memory(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    # a file where the student folder should be makes the folder impossible to create,
    # even for root (who ignores permission bits)
    (locked / "ada").write_text("not a folder")
    monkeypatch.setenv("PACTLAB_ANSWERS_DIR", str(locked))
    monkeypatch.setenv("PACTLAB_STUDENT", "ada")
    course = pactlab.start(LESSON)
    with pytest.warns(StoreWarning, match="kept in memory"):
        course.question("start-choice").answer("b")
    assert course.store.in_memory
    assert course.store.get("start-choice")["answer"] == "b"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once, not at every answer
        course.question("start-text").answer("Pyongyang")
    assert course.summary()["correct"] == 2
    assert "kept in memory only" in course.progress().html.value


def test_progress_updates_live(answers):
    course = pactlab.start(LESSON)
    progress = course.progress()
    assert "0 of 9 answered" in progress.html.value
    course.question("start-choice").answer("b")
    course.question("start-multi").answer(["kcna"])
    assert "2 of 9 answered" in progress.html.value
    assert "1 correct" in progress.html.value
    summary = course.summary()
    assert summary["points"] == pytest.approx(1 + 1 / 3, abs=0.01)
    assert summary["possible"] == 8  # the written question is graded by hand


def test_displays_are_short_stable_and_static_where_no_kernel(answers):
    course = pactlab.start(LESSON)
    view = course.question("start-multi")
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == "Question start-multi (select all that apply, 1 point)"
    assert "0x" not in bundle["text/plain"]
    html = bundle["text/html"]
    assert "Rodong Sinmun" in html and "Run this cell (Shift+Enter) to answer" in html
    assert "<code>kcna</code>" in html  # ids shown: they are what .answer(...) takes
    view.answer(["kcna", "tass", "rodong"])
    assert view._repr_mimebundle_()["text/html"] == html  # static view carries no state
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.box.model_id
    assert course.progress()._repr_mimebundle_()["text/plain"] == "Progress for 00_start_here"


def test_hints_are_revealed_one_at_a_time(answers):
    view = pactlab.start(LESSON).question("start-choice")
    assert view.hint_box.value == ""
    view.hint_button.click()
    assert "Hint 1" in view.hint_box.value


def test_written_answer_round_trip(answers):
    view = pactlab.start(LESSON).question("start-written")
    view.text.value = "I want to know what Article 4 requires, and I trust the treaty text."
    view.click()
    assert view.result.status == "submitted" and "rubric" in view.feedback.value
    again = pactlab.start(LESSON).question("start-written")
    assert again.text.value.startswith("I want to know")


def test_student_names_are_made_safe_for_folders(answers):
    store = AnswerStore(LESSON, student="../../etc/Ada Lovelace")
    assert store.path.parent.name == "etc_Ada_Lovelace"
    assert answers in store.path.parents
