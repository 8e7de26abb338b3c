// MNIST bytes to network inputs. Twin of ../../reference/pixels.ts.

/** dst[i] = src[i] / 255 for `len` bytes (pixels to 0..1; f32 division is correctly rounded). */
export function unitPixels(src: usize, dst: usize, len: i32): void {
  const scale = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const bytes = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(bytes);
    const hi = i16x8.extend_high_i8x16_u(bytes);
    const q = dst + (<usize>i << 2);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), scale), 0);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), scale), 16);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), scale), 32);
    v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), scale), 48);
  }
  for (; i < len; i++) store<f32>(dst + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / 255);
}
