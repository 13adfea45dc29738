import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { MrzLines } from '../../../common/vds/mrz.js';
import { dataMatrixPng } from './visa-datamatrix.js';
import type { VisaApplication } from './visa-schema.js';

/** What the printed document shows besides the application. */
export interface PrintInput {
  readonly application: VisaApplication;
  readonly mrz: MrzLines;
  readonly seal: Uint8Array;
  readonly photo: { contentType: string; bytes: Uint8Array };
  readonly missionName: string;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;

/**
 * The issued visa or laissez-passer as an A4 PDF: the mission's name, the holder's photo, the
 * readable data, the MRZ in a monospace font and the seal's DataMatrix. Standard fonts only, so
 * the file needs nothing from the network or the system.
 */
export async function renderVisaPdf(input: PrintInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const isVisa = input.application.kind === 'visa';
  pdf.setTitle(isVisa ? 'Visa — République centrafricaine' : 'Laissez-passer — République centrafricaine');
  pdf.setCreator('e-Consulat RCA');
  const page = pdf.addPage(A4);
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    mono: await pdf.embedFont(StandardFonts.Courier),
  };
  const top = A4[1] - MARGIN;
  text(page, 'RÉPUBLIQUE CENTRAFRICAINE', MARGIN, top, fonts.bold, 16);
  text(page, input.missionName, MARGIN, top - 20, fonts.regular, 12);
  text(
    page,
    isVisa ? 'VISA / VISA' : 'LAISSEZ-PASSER / EMERGENCY TRAVEL DOCUMENT',
    MARGIN,
    top - 50,
    fonts.bold,
    14,
  );

  const photo =
    input.photo.contentType === 'image/png'
      ? await pdf.embedPng(input.photo.bytes)
      : await pdf.embedJpg(input.photo.bytes);
  const photoSize = photo.scaleToFit(120, 150);
  page.drawImage(photo, { x: MARGIN, y: top - 220, width: photoSize.width, height: photoSize.height });

  let y = top - 80;
  for (const [label, value] of readableData(input)) {
    text(page, label, MARGIN + 140, y, fonts.regular, 8);
    text(page, value, MARGIN + 140, y - 11, fonts.bold, 11);
    y -= 28;
  }

  const matrix = await pdf.embedPng(await dataMatrixPng(input.seal));
  const side = 170;
  page.drawImage(matrix, { x: A4[0] - MARGIN - side, y: top - 60 - side, width: side, height: side });

  page.drawRectangle({
    x: MARGIN - 6,
    y: 100,
    width: A4[0] - 2 * MARGIN + 12,
    height: 48,
    color: rgb(0.95, 0.95, 0.95),
  });
  text(page, input.mrz.line1, MARGIN, 130, fonts.mono, 17);
  text(page, input.mrz.line2, MARGIN, 110, fonts.mono, 17);
  return pdf.save();
}

function readableData(input: PrintInput): [string, string][] {
  const a = input.application;
  const rows: [string, string][] = [
    ['Numéro / Number', a.documentNumber ?? ''],
    ['Nom / Surname', a.familyName],
    ['Prénoms / Given names', a.givenNames],
    ['Date de naissance / Date of birth', a.birthDate],
    ['Sexe / Sex', a.sex],
    ['Nationalité / Nationality', a.kind === 'visa' ? a.nationality : 'CAF'],
    ['Valide du / Valid from', a.validFrom ?? ''],
    ["Valide jusqu'au / Valid until", a.validUntil ?? ''],
  ];
  if (a.kind === 'visa') {
    rows.push(['Passeport / Passport', a.passportNumber]);
    rows.push(['Entrées / Entries', a.entries === 0 ? 'MULT' : String(a.entries ?? 1)]);
    rows.push(['Durée du séjour / Duration of stay', `${a.stayDays ?? ''} jours / days`]);
  }
  rows.push(['Délivré le / Issued on', (a.issuedAt ?? '').slice(0, 10)]);
  return rows;
}

function text(page: PDFPage, value: string, x: number, y: number, font: PDFFont, size: number): void {
  page.drawText(winAnsi(value), { x, y, size, font });
}

// The standard fonts write WinAnsi only: a letter outside it (a name in another script has been
// refused already, but an ŉ or a ğ passes the MRZ rules) is printed as its base letter or '?'.
function winAnsi(value: string): string {
  return value.normalize('NFC').replace(/[^\u0020-\u007e\u00a0-\u00ff—’]/g, (char) =>
    char
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\u0020-\u00ff]/g, '?'),
  );
}
