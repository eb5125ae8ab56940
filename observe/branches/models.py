from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.branches.regions import region_name
from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class Branch(db.Model):
    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    chairperson: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    users = relationship("User", back_populates="branch", order_by="User.full_name")

    AUDITED_FIELDS = ("region", "name", "city", "chairperson", "phone", "email", "is_active")

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    def __repr__(self) -> str:
        return f"<Branch {self.id} {self.name!r}>"
