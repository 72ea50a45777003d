define internal <4 x float> @wasm_func_0(ptr %vmctx, <4 x float> %p0, <4 x float> %p1) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %l1 = alloca <4 x float>
  store <4 x float> %p1, ptr %l1
  %t15 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t16 = load ptr, ptr %t15, !invariant.load !{}
  %t17 = load i64, ptr %t16
  %t18 = call ptr @llvm.stacksave.p0()
  %t19 = ptrtoint ptr %t18 to i64
  %t20 = icmp ult i64 %t19, %t17
  br i1 %t20, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = load <4 x float>, ptr %l1
  %t5 = fcmp olt <4 x float> %t3, %t4
  %t6 = select <4 x i1> %t5, <4 x float> %t3, <4 x float> %t4
  %t7 = bitcast <4 x float> %t6 to <4 x i32>
  %t8 = fcmp olt <4 x float> %t4, %t3
  %t9 = select <4 x i1> %t8, <4 x float> %t4, <4 x float> %t3
  %t10 = bitcast <4 x float> %t9 to <4 x i32>
  %t11 = or <4 x i32> %t7, %t10
  %t12 = fcmp uno <4 x float> %t3, %t4
  %t13 = select <4 x i1> %t12, <4 x i32> <i32 2143289344, i32 2143289344, i32 2143289344, i32 2143289344>, <4 x i32> %t11
  %t14 = bitcast <4 x i32> %t13 to <4 x float>
  ret <4 x float> %t14
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal <4 x float> @wasm_func_1(ptr %vmctx, <4 x float> %p0, <4 x float> %p1) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %l1 = alloca <4 x float>
  store <4 x float> %p1, ptr %l1
  %t10 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t11 = load ptr, ptr %t10, !invariant.load !{}
  %t12 = load i64, ptr %t11
  %t13 = call ptr @llvm.stacksave.p0()
  %t14 = ptrtoint ptr %t13 to i64
  %t15 = icmp ult i64 %t14, %t12
  br i1 %t15, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = load <4 x float>, ptr %l1
  %t5 = bitcast <4 x float> %t3 to <2 x double>
  %t6 = bitcast <4 x float> %t4 to <2 x double>
  %t7 = fcmp olt <2 x double> %t6, %t5
  %t8 = select <2 x i1> %t7, <2 x double> %t6, <2 x double> %t5
  %t9 = bitcast <2 x double> %t8 to <4 x float>
  ret <4 x float> %t9
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal <4 x float> @wasm_func_2(ptr %vmctx, <4 x float> %p0) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = fcmp olt <4 x float> %t3, <float 0x41E0000000000000, float 0x41E0000000000000, float 0x41E0000000000000, float 0x41E0000000000000>
  %t5 = select <4 x i1> %t4, <4 x float> %t3, <4 x float> zeroinitializer
  %t6 = fcmp ogt <4 x float> %t5, <float 0xC1E0000020000000, float 0xC1E0000020000000, float 0xC1E0000020000000, float 0xC1E0000020000000>
  %t7 = select <4 x i1> %t6, <4 x float> %t5, <4 x float> <float 0xC1E0000000000000, float 0xC1E0000000000000, float 0xC1E0000000000000, float 0xC1E0000000000000>
  %t8 = fptosi <4 x float> %t7 to <4 x i32>
  %t9 = fcmp oge <4 x float> %t3, <float 0x41E0000000000000, float 0x41E0000000000000, float 0x41E0000000000000, float 0x41E0000000000000>
  %t10 = select <4 x i1> %t9, <4 x i32> <i32 2147483647, i32 2147483647, i32 2147483647, i32 2147483647>, <4 x i32> %t8
  %t11 = bitcast <4 x i32> %t10 to <4 x float>
  ret <4 x float> %t11
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal <4 x float> @wasm_func_3(ptr %vmctx, <4 x float> %p0) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %t13 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t14 = load ptr, ptr %t13, !invariant.load !{}
  %t15 = load i64, ptr %t14
  %t16 = call ptr @llvm.stacksave.p0()
  %t17 = ptrtoint ptr %t16 to i64
  %t18 = icmp ult i64 %t17, %t15
  br i1 %t18, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = bitcast <4 x float> bitcast (<4 x i32> <i32 1065353216, i32 1065353216, i32 1065353216, i32 1065353216> to <4 x float>) to <2 x i64>
  %t5 = extractelement <2 x i64> %t4, i32 0
  %t6 = call i64 asm "", "=r,0"(i64 %t5)
  %t7 = insertelement <2 x i64> %t4, i64 %t6, i32 0
  %t8 = extractelement <2 x i64> %t7, i32 1
  %t9 = call i64 asm "", "=r,0"(i64 %t8)
  %t10 = insertelement <2 x i64> %t7, i64 %t9, i32 1
  %t11 = bitcast <2 x i64> %t10 to <4 x float>
  %t12 = fmul <4 x float> %t3, %t11
  ret <4 x float> %t12
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal void @wasm_entry_vv_v(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load <4 x float>, ptr %ap0, align 8
  %ap1 = getelementptr i64, ptr %slots, i64 2
  %a1 = load <4 x float>, ptr %ap1, align 8
  %r = call <4 x float> %callee(ptr %vmctx, <4 x float> %a0, <4 x float> %a1)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %r, ptr %rp0, align 8
  ret void
}
define internal <4 x float> @wasm_host_vv_v(ptr %host, <4 x float> %a0, <4 x float> %a1) {
  %slots = alloca [4 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %a0, ptr %ap0, align 8
  %ap1 = getelementptr i64, ptr %slots, i64 2
  store <4 x float> %a1, ptr %ap1, align 8
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load <4 x float>, ptr %rp0, align 8
  ret <4 x float> %r0
}
define internal void @wasm_entry_v_v(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load <4 x float>, ptr %ap0, align 8
  %r = call <4 x float> %callee(ptr %vmctx, <4 x float> %a0)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %r, ptr %rp0, align 8
  ret void
}
define internal <4 x float> @wasm_host_v_v(ptr %host, <4 x float> %a0) {
  %slots = alloca [2 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %a0, ptr %ap0, align 8
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load <4 x float>, ptr %rp0, align 8
  ret <4 x float> %r0
}
@wasmc_funcs = constant [4 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1, ptr @wasm_func_2, ptr @wasm_func_3]
@wasmc_direct_copies = constant [4 x ptr] [ptr null, ptr null, ptr null, ptr null]
@wasmc_entries = constant [2 x ptr] [ptr @wasm_entry_vv_v, ptr @wasm_entry_v_v]
@wasmc_host_adapters = constant [2 x ptr] [ptr @wasm_host_vv_v, ptr @wasm_host_v_v]
declare void @wasmc_host_call(ptr, ptr)
declare void @wasmc_trap(ptr, i32) noreturn cold
declare ptr @llvm.stacksave.p0()
attributes #0 = { "disable-tail-calls"="true" nounwind }
!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"wasmc"}
!2 = !{!"wasm memory", !1, i64 0}
!3 = !{!2, !2, i64 0}
!4 = !{!"wasm global", !1, i64 0}
!5 = !{!4, !4, i64 0}
!6 = !{!"wasmc runtime", !1, i64 0}
!7 = !{!6, !6, i64 0}
!8 = !{i64 0, i64 2147483648}
