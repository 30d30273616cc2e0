"""Celery tasks of the shop (stand-in): the worker runs them, beat schedules them."""


def send_order_confirmation(order_id):
    return "confirmation sent for order %s" % order_id


def nightly_report():
    return "report built"
