/**
 * The ERP's transactions as NetSuite stores them: drafts numbered in time order
 * (ids and tranids such as SO-100001), with their lines and links, and every
 * amount formatted from cents once.
 */
import { dayOf, formatCents, isoMs } from './common.js';
import type { NsTranType, NsTransaction, NsTransactionLine, NsTransactionLink } from './model.js';
import { linesCents, type LinkDraft, type TxDraft } from './netsuite-orders.js';

const TRANSACTION_ID_BASE = 5000;

const TRANID: Readonly<Record<NsTranType, readonly [string, number]>> = {
  SalesOrd: ['SO-', 100001],
  CustInvc: ['INV-', 300001],
  CustPymt: ['PMT-', 400001],
  RtnAuth: ['RMA-', 500001],
  CustCred: ['CM-', 600001],
  ItemShip: ['SHIP-', 700001],
};

const txTotalCents = (tx: TxDraft): number => tx.amountCents ?? linesCents(tx.lines);

/** Numbers follow time, as in NetSuite: ids and tranids both increase with the creation date. */
export function numberTransactions(txs: readonly TxDraft[], drafted: readonly LinkDraft[]): { transactions: NsTransaction[]; lines: NsTransactionLine[]; links: NsTransactionLink[] } {
  const ordered = [...txs].sort((a, b) => a.createdMs - b.createdMs || a.seq - b.seq);
  const next: Record<NsTranType, number> = {
    SalesOrd: TRANID.SalesOrd[1],
    CustInvc: TRANID.CustInvc[1],
    CustPymt: TRANID.CustPymt[1],
    RtnAuth: TRANID.RtnAuth[1],
    CustCred: TRANID.CustCred[1],
    ItemShip: TRANID.ItemShip[1],
  };
  const transactions: NsTransaction[] = [];
  const lines: NsTransactionLine[] = [];
  let lineId = 0;
  ordered.forEach((d, index) => {
    d.id = TRANSACTION_ID_BASE + index + 1;
    d.tranid = `${TRANID[d.type][0]}${next[d.type]}`;
    next[d.type] += 1;
    const total = txTotalCents(d);
    transactions.push({
      id: d.id,
      tranid: d.tranid,
      type: d.type,
      entity: d.customer.nsId,
      status: d.status,
      trandate: dayOf(d.createdMs),
      duedate: d.duedate,
      createddate: isoMs(d.createdMs),
      lastmodifieddate: isoMs(Math.max(d.createdMs, d.modifiedMs)),
      currency: 1,
      foreigntotal: formatCents(total),
      foreignamountremaining: d.remainingCents === null ? null : formatCents(d.remainingCents),
      createdfrom: d.from ? d.from.id : null,
      externalid: null,
      memo: d.memo,
      paymentmethod: d.paymentmethod,
      custbody_sales_channel: d.channel,
      custbody_wms_released: d.type === 'SalesOrd' ? d.wms : null,
      shipcarrier: d.carrier,
      trackingnumbers: d.tracking,
      custbody_return_reason: d.reason,
    });
    d.lines.forEach((l, i) => {
      lineId += 1;
      lines.push({
        id: lineId,
        transaction: d.id,
        linesequencenumber: i + 1,
        item: l.item.item.id,
        memo: l.item.item.displayname,
        quantity: l.quantity,
        rate: formatCents(l.rateCents),
        foreignamount: formatCents(l.quantity * l.rateCents),
        quantityshiprecv: l.shipRecv,
      });
    });
  });
  const links = drafted
    .map((l) => ({ previousdoc: l.invoice.id, nextdoc: l.doc.id, linktype: l.linktype, foreignamount: formatCents(l.cents) }))
    .sort((a, b) => a.nextdoc - b.nextdoc || a.previousdoc - b.previousdoc);
  return { transactions, lines, links };
}
