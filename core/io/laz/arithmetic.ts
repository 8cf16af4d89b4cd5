/**
 * The LASzip arithmetic decoder and integer decompressor, only as far as the LAZ chunk table
 * needs them (the points themselves are decoded by laz-perf). Knowing the chunk table lets us
 * read a LAZ file chunk by chunk instead of handing a whole file to the decoder.
 * All state is unsigned 32-bit; products stay below 2^53 so plain doubles are exact.
 */

const AC_MIN_LENGTH = 0x01000000;
const AC_MAX_LENGTH = 0xffffffff;
const BM_LENGTH_SHIFT = 13;
const BM_MAX_COUNT = 1 << BM_LENGTH_SHIFT;
const DM_LENGTH_SHIFT = 15;
const DM_MAX_COUNT = 1 << DM_LENGTH_SHIFT;

class BitModel {
  bit0Count = 1;
  bitCount = 2;
  bit0Prob = 1 << (BM_LENGTH_SHIFT - 1);
  updateCycle = 4;
  bitsUntilUpdate = 4;

  update(): void {
    if ((this.bitCount += this.updateCycle) > BM_MAX_COUNT) {
      this.bitCount = (this.bitCount + 1) >>> 1;
      this.bit0Count = (this.bit0Count + 1) >>> 1;
      if (this.bit0Count === this.bitCount) ++this.bitCount;
    }
    const scale = Math.floor(0x80000000 / this.bitCount);
    this.bit0Prob = Math.floor((this.bit0Count * scale) / 2 ** (31 - BM_LENGTH_SHIFT));
    this.updateCycle = Math.min(64, (5 * this.updateCycle) >>> 2);
    this.bitsUntilUpdate = this.updateCycle;
  }
}

class SymbolModel {
  readonly lastSymbol: number;
  readonly distribution: Uint32Array;
  readonly symbolCount: Uint32Array;
  readonly decoderTable?: Uint32Array;
  readonly tableSize: number = 0;
  readonly tableShift: number = 0;
  totalCount = 0;
  updateCycle: number;
  symbolsUntilUpdate: number;

  constructor(readonly symbols: number) {
    if (symbols < 2 || symbols > 2048) throw new Error(`invalid arithmetic model size ${symbols}`);
    this.lastSymbol = symbols - 1;
    if (symbols > 16) {
      let tableBits = 3;
      while (symbols > 1 << (tableBits + 2)) ++tableBits;
      this.tableSize = 1 << tableBits;
      this.tableShift = DM_LENGTH_SHIFT - tableBits;
      this.decoderTable = new Uint32Array(this.tableSize + 2);
    }
    this.distribution = new Uint32Array(symbols);
    this.symbolCount = new Uint32Array(symbols).fill(1);
    this.updateCycle = symbols;
    this.update();
    this.symbolsUntilUpdate = this.updateCycle = (symbols + 6) >>> 1;
  }

  update(): void {
    if ((this.totalCount += this.updateCycle) > DM_MAX_COUNT) {
      this.totalCount = 0;
      for (let n = 0; n < this.symbols; n++) {
        this.totalCount += this.symbolCount[n] = (this.symbolCount[n] + 1) >>> 1;
      }
    }
    let sum = 0;
    let s = 0;
    const scale = Math.floor(0x80000000 / this.totalCount);
    const table = this.decoderTable;
    for (let k = 0; k < this.symbols; k++) {
      this.distribution[k] = Math.floor((scale * sum) / 2 ** (31 - DM_LENGTH_SHIFT));
      sum += this.symbolCount[k];
      if (table) {
        const w = this.distribution[k] >>> this.tableShift;
        while (s < w) table[++s] = k - 1;
      }
    }
    if (table) {
      table[0] = 0;
      while (s <= this.tableSize) table[++s] = this.symbols - 1;
    }
    this.updateCycle = Math.min((5 * this.updateCycle) >>> 2, (this.symbols + 6) << 3);
    this.symbolsUntilUpdate = this.updateCycle;
  }
}

export class ArithmeticDecoder {
  private value = 0;
  private length = AC_MAX_LENGTH;
  private at: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.at = start;
    this.value = ((this.byte() << 24) | (this.byte() << 16) | (this.byte() << 8) | this.byte()) >>> 0;
  }

  private byte(): number {
    if (this.at >= this.bytes.length) throw new Error('LAZ chunk table ends early');
    return this.bytes[this.at++];
  }

  private renormalise(): void {
    do {
      this.value = ((this.value << 8) | this.byte()) >>> 0;
      this.length = (this.length << 8) >>> 0;
    } while (this.length < AC_MIN_LENGTH);
  }

  decodeBit(m: BitModel): number {
    const x = m.bit0Prob * (this.length >>> BM_LENGTH_SHIFT);
    const sym = this.value >= x ? 1 : 0;
    if (sym === 0) {
      this.length = x;
      ++m.bit0Count;
    } else {
      this.value -= x;
      this.length -= x;
    }
    if (this.length < AC_MIN_LENGTH) this.renormalise();
    if (--m.bitsUntilUpdate === 0) m.update();
    return sym;
  }

  decodeSymbol(m: SymbolModel): number {
    let sym: number;
    let x: number;
    let y = this.length;
    if (m.decoderTable) {
      this.length >>>= DM_LENGTH_SHIFT;
      const dv = Math.floor(this.value / this.length);
      const t = dv >>> m.tableShift;
      sym = m.decoderTable[t];
      let n = m.decoderTable[t + 1] + 1;
      while (n > sym + 1) {
        const k = (sym + n) >>> 1;
        if (m.distribution[k] > dv) n = k;
        else sym = k;
      }
      x = m.distribution[sym] * this.length;
      if (sym !== m.lastSymbol) y = m.distribution[sym + 1] * this.length;
    } else {
      x = sym = 0;
      this.length >>>= DM_LENGTH_SHIFT;
      let n = m.symbols;
      let k = n >>> 1;
      do {
        const z = this.length * m.distribution[k];
        if (z > this.value) {
          n = k;
          y = z;
        } else {
          sym = k;
          x = z;
        }
      } while ((k = (sym + n) >>> 1) !== sym);
    }
    this.value -= x;
    this.length = y - x;
    if (this.length < AC_MIN_LENGTH) this.renormalise();
    ++m.symbolCount[sym];
    if (--m.symbolsUntilUpdate === 0) m.update();
    return sym;
  }

  readBits(bits: number): number {
    if (bits > 19) {
      const lower = this.readShort();
      const upper = this.readBits(bits - 16);
      return upper * 65536 + lower;
    }
    this.length >>>= bits;
    const sym = Math.floor(this.value / this.length);
    this.value -= this.length * sym;
    if (this.length < AC_MIN_LENGTH) this.renormalise();
    return sym;
  }

  private readShort(): number {
    this.length >>>= 16;
    const sym = Math.floor(this.value / this.length);
    this.value -= this.length * sym;
    if (this.length < AC_MIN_LENGTH) this.renormalise();
    return sym;
  }
}

/** LASzip's IntegerCompressor, decompression side, for 32-bit values (corrector range 0). */
export class IntegerDecompressor {
  private readonly bitsModels: SymbolModel[];
  private readonly bit0: BitModel = new BitModel();
  private readonly correctors: SymbolModel[] = [];
  private static readonly CORR_BITS = 32;
  private static readonly BITS_HIGH = 8;

  constructor(
    private readonly dec: ArithmeticDecoder,
    contexts: number,
  ) {
    const { CORR_BITS, BITS_HIGH } = IntegerDecompressor;
    this.bitsModels = Array.from({ length: contexts }, () => new SymbolModel(CORR_BITS + 1));
    for (let i = 1; i <= CORR_BITS; i++) this.correctors[i] = new SymbolModel(1 << Math.min(i, BITS_HIGH));
  }

  decompress(pred: number, context: number): number {
    return (pred + this.readCorrector(this.bitsModels[context])) | 0;
  }

  private readCorrector(model: SymbolModel): number {
    const { BITS_HIGH } = IntegerDecompressor;
    const k = this.dec.decodeSymbol(model);
    if (k === 0) return this.dec.decodeBit(this.bit0);
    if (k >= 32) return -0x80000000;
    let c: number;
    if (k <= BITS_HIGH) {
      c = this.dec.decodeSymbol(this.correctors[k]);
    } else {
      const extra = k - BITS_HIGH;
      c = this.dec.decodeSymbol(this.correctors[k]) * 2 ** extra + this.dec.readBits(extra);
    }
    return c >= 2 ** (k - 1) ? c + 1 : c - (2 ** k - 1);
  }
}
