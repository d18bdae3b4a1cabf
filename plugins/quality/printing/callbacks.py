"""The 回访/抽访记录表 (002-A, after_sales.md §1.3), one form per run: the
level ticked (服务管理中心 100 % / 直效营销科 5 % 抽访 / 顾客服务部复抽), the
period and the centre, one row per callback, the summary (应回访数,
已回访数, 回访率, 满意数, 满意率, 假单数 报财务科扣罚) and, for a sample, its
seed, population size, rate and size."""
from dataclasses import dataclass
from typing import Any

from core import Printable


@dataclass(frozen=True)
class CallbackRunForm(Printable):
    """The 回访/抽访记录表 printable: its template calls :meth:`summary`."""

    def summary(self, run: Any) -> Any:
        """The printed summary (应回访数, 已回访数, 回访率, 满意数, 满意率, 假单数)."""
        from ..callbacks_kpis import run_summary
        return run_summary(run)


def printables() -> list:
    from ..models.callbacks import CallbackRun
    # 002-A names no record code: the header leaves 表单编号 blank ("—").
    return [CallbackRunForm("quality.callback_run", title_zh="回访/抽访记录表", title_en="Callback / sampling record",
                      model=CallbackRun, template="print/callbacks_run.html", orientation="landscape",
                      filename="callbacks-{record.number}.pdf", number="{record.number}", edition="A/0")]
