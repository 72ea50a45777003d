define internal <4 x float> @wasm_func_0(ptr %vmctx, <4 x float> %p0, <4 x float> %p1) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %l1 = alloca <4 x float>
  store <4 x float> %p1, ptr %l1
  %t9 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t10 = load ptr, ptr %t9, !invariant.load !{}
  %t11 = load i64, ptr %t10
  %t12 = call ptr @llvm.stacksave.p0()
  %t13 = ptrtoint ptr %t12 to i64
  %t14 = icmp ult i64 %t13, %t11
  br i1 %t14, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = load <4 x float>, ptr %l1
  %t5 = bitcast <4 x float> %t3 to <16 x i8>
  %t6 = bitcast <4 x float> %t4 to <16 x i8>
  %t7 = shufflevector <16 x i8> %t5, <16 x i8> %t6, <16 x i32> <i32 0, i32 17, i32 2, i32 19, i32 4, i32 21, i32 6, i32 23, i32 8, i32 25, i32 10, i32 27, i32 12, i32 29, i32 14, i32 31>
  %t8 = bitcast <16 x i8> %t7 to <4 x float>
  ret <4 x float> %t8
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
  %t58 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t59 = load ptr, ptr %t58, !invariant.load !{}
  %t60 = load i64, ptr %t59
  %t61 = call ptr @llvm.stacksave.p0()
  %t62 = ptrtoint ptr %t61 to i64
  %t63 = icmp ult i64 %t62, %t60
  br i1 %t63, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = load <4 x float>, ptr %l1
  %t5 = bitcast <4 x float> %t3 to <16 x i8>
  %t6 = bitcast <4 x float> %t4 to <16 x i8>
  %t7 = extractelement <16 x i8> %t6, i32 0
  %t8 = extractelement <16 x i8> %t5, i8 %t7
  %t9 = insertelement <16 x i8> poison, i8 %t8, i32 0
  %t10 = extractelement <16 x i8> %t6, i32 1
  %t11 = extractelement <16 x i8> %t5, i8 %t10
  %t12 = insertelement <16 x i8> %t9, i8 %t11, i32 1
  %t13 = extractelement <16 x i8> %t6, i32 2
  %t14 = extractelement <16 x i8> %t5, i8 %t13
  %t15 = insertelement <16 x i8> %t12, i8 %t14, i32 2
  %t16 = extractelement <16 x i8> %t6, i32 3
  %t17 = extractelement <16 x i8> %t5, i8 %t16
  %t18 = insertelement <16 x i8> %t15, i8 %t17, i32 3
  %t19 = extractelement <16 x i8> %t6, i32 4
  %t20 = extractelement <16 x i8> %t5, i8 %t19
  %t21 = insertelement <16 x i8> %t18, i8 %t20, i32 4
  %t22 = extractelement <16 x i8> %t6, i32 5
  %t23 = extractelement <16 x i8> %t5, i8 %t22
  %t24 = insertelement <16 x i8> %t21, i8 %t23, i32 5
  %t25 = extractelement <16 x i8> %t6, i32 6
  %t26 = extractelement <16 x i8> %t5, i8 %t25
  %t27 = insertelement <16 x i8> %t24, i8 %t26, i32 6
  %t28 = extractelement <16 x i8> %t6, i32 7
  %t29 = extractelement <16 x i8> %t5, i8 %t28
  %t30 = insertelement <16 x i8> %t27, i8 %t29, i32 7
  %t31 = extractelement <16 x i8> %t6, i32 8
  %t32 = extractelement <16 x i8> %t5, i8 %t31
  %t33 = insertelement <16 x i8> %t30, i8 %t32, i32 8
  %t34 = extractelement <16 x i8> %t6, i32 9
  %t35 = extractelement <16 x i8> %t5, i8 %t34
  %t36 = insertelement <16 x i8> %t33, i8 %t35, i32 9
  %t37 = extractelement <16 x i8> %t6, i32 10
  %t38 = extractelement <16 x i8> %t5, i8 %t37
  %t39 = insertelement <16 x i8> %t36, i8 %t38, i32 10
  %t40 = extractelement <16 x i8> %t6, i32 11
  %t41 = extractelement <16 x i8> %t5, i8 %t40
  %t42 = insertelement <16 x i8> %t39, i8 %t41, i32 11
  %t43 = extractelement <16 x i8> %t6, i32 12
  %t44 = extractelement <16 x i8> %t5, i8 %t43
  %t45 = insertelement <16 x i8> %t42, i8 %t44, i32 12
  %t46 = extractelement <16 x i8> %t6, i32 13
  %t47 = extractelement <16 x i8> %t5, i8 %t46
  %t48 = insertelement <16 x i8> %t45, i8 %t47, i32 13
  %t49 = extractelement <16 x i8> %t6, i32 14
  %t50 = extractelement <16 x i8> %t5, i8 %t49
  %t51 = insertelement <16 x i8> %t48, i8 %t50, i32 14
  %t52 = extractelement <16 x i8> %t6, i32 15
  %t53 = extractelement <16 x i8> %t5, i8 %t52
  %t54 = insertelement <16 x i8> %t51, i8 %t53, i32 15
  %t55 = icmp ult <16 x i8> %t6, <i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16, i8 16>
  %t56 = select <16 x i1> %t55, <16 x i8> %t54, <16 x i8> zeroinitializer
  %t57 = bitcast <16 x i8> %t56 to <4 x float>
  ret <4 x float> %t57
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal <4 x float> @wasm_func_2(ptr %vmctx, <4 x float> %p0, i32 %p1) #0 {
entry:
  %l0 = alloca <4 x float>
  store <4 x float> %p0, ptr %l0
  %l1 = alloca i32
  store i32 %p1, ptr %l1
  %t12 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t13 = load ptr, ptr %t12, !invariant.load !{}
  %t14 = load i64, ptr %t13
  %t15 = call ptr @llvm.stacksave.p0()
  %t16 = ptrtoint ptr %t15 to i64
  %t17 = icmp ult i64 %t16, %t14
  br i1 %t17, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load <4 x float>, ptr %l0
  %t4 = load i32, ptr %l1
  %t5 = bitcast <4 x float> %t3 to <16 x i8>
  %t6 = and i32 %t4, 7
  %t7 = trunc i32 %t6 to i8
  %t8 = insertelement <16 x i8> poison, i8 %t7, i32 0
  %t9 = shufflevector <16 x i8> %t8, <16 x i8> poison, <16 x i32> <i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0, i32 0>
  %t10 = shl <16 x i8> %t5, %t9
  %t11 = bitcast <16 x i8> %t10 to <4 x float>
  ret <4 x float> %t11
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal <4 x float> @wasm_func_3(ptr %vmctx, i32 %p0, <4 x float> %p1) #0 {
entry:
  %l0 = alloca i32
  store i32 %p0, ptr %l0
  %l1 = alloca <4 x float>
  store <4 x float> %p1, ptr %l1
  %t8 = getelementptr inbounds i8, ptr %vmctx, i64 8
  %t9 = load ptr, ptr %t8, !invariant.load !{}
  %t10 = getelementptr inbounds i8, ptr %t9, i64 0
  %t11 = load ptr, ptr %t10, !invariant.load !{}
  %t17 = load ptr, ptr %vmctx, !invariant.load !{}
  %t22 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t23 = load ptr, ptr %t22, !invariant.load !{}
  %t24 = load i64, ptr %t23
  %t25 = call ptr @llvm.stacksave.p0()
  %t26 = ptrtoint ptr %t25 to i64
  %t27 = icmp ult i64 %t26, %t24
  br i1 %t27, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t3 = load i32, ptr %l0
  %t4 = load <4 x float>, ptr %l1
  %t5 = bitcast <4 x float> %t4 to <8 x i16>
  %t6 = zext i32 %t3 to i64
  %t7 = add nuw nsw i64 %t6, 4
  %t12 = getelementptr inbounds i8, ptr %t11, i64 8
  %t13 = load i64, ptr %t12, !tbaa !7
  %t14 = icmp ugt i64 %t7, %t13
  br i1 %t14, label %trap_memory_oob, label %ok15, !prof !0
ok15:
  %t16 = add nuw nsw i64 %t6, 2
  %t18 = getelementptr i8, ptr %t17, i64 %t16
  %t19 = load i16, ptr %t18, align 1, !tbaa !3
  %t20 = insertelement <8 x i16> %t5, i16 %t19, i32 3
  %t21 = bitcast <8 x i16> %t20 to <4 x float>
  ret <4 x float> %t21
trap_memory_oob:
  call void @wasmc_trap(ptr %vmctx, i32 2)
  unreachable
trap_stack_exhausted:
  call void @wasmc_trap(ptr %vmctx, i32 10)
  unreachable
}

define internal i32 @wasm_func_4(ptr %vmctx) #0 {
entry:
  %t3 = getelementptr inbounds i8, ptr %vmctx, i64 16
  %t4 = load ptr, ptr %t3, !invariant.load !{}
  %t5 = getelementptr inbounds i8, ptr %t4, i64 0
  %t6 = load ptr, ptr %t5, !invariant.load !{}
  %t15 = getelementptr inbounds i8, ptr %vmctx, i64 64
  %t16 = load ptr, ptr %t15, !invariant.load !{}
  %t17 = load i64, ptr %t16
  %t18 = call ptr @llvm.stacksave.p0()
  %t19 = ptrtoint ptr %t18 to i64
  %t20 = icmp ult i64 %t19, %t17
  br i1 %t20, label %trap_stack_exhausted, label %body1, !prof !0
body1:
  %t7 = load <4 x float>, ptr %t6, align 8, !tbaa !5
  %t8 = bitcast <4 x float> %t7 to <4 x i32>
  %t9 = bitcast <4 x float> bitcast (<4 x i32> <i32 1, i32 1, i32 1, i32 1> to <4 x float>) to <4 x i32>
  %t10 = add <4 x i32> %t8, %t9
  %t11 = bitcast <4 x i32> %t10 to <4 x float>
  store <4 x float> %t11, ptr %t6, align 8, !tbaa !5
  %t12 = load <4 x float>, ptr %t6, align 8, !tbaa !5
  %t13 = bitcast <4 x float> %t12 to <4 x i32>
  %t14 = extractelement <4 x i32> %t13, i32 3
  ret i32 %t14
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
define internal void @wasm_entry_vi_v(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load <4 x float>, ptr %ap0, align 8
  %ap1 = getelementptr i64, ptr %slots, i64 2
  %a1 = load i32, ptr %ap1
  %r = call <4 x float> %callee(ptr %vmctx, <4 x float> %a0, i32 %a1)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %r, ptr %rp0, align 8
  ret void
}
define internal <4 x float> @wasm_host_vi_v(ptr %host, <4 x float> %a0, i32 %a1) {
  %slots = alloca [3 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %a0, ptr %ap0, align 8
  %ap1 = getelementptr i64, ptr %slots, i64 2
  store i32 %a1, ptr %ap1
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load <4 x float>, ptr %rp0, align 8
  ret <4 x float> %r0
}
define internal void @wasm_entry_iv_v(ptr %vmctx, ptr %callee, ptr %slots) {
  %ap0 = getelementptr i64, ptr %slots, i64 0
  %a0 = load i32, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  %a1 = load <4 x float>, ptr %ap1, align 8
  %r = call <4 x float> %callee(ptr %vmctx, i32 %a0, <4 x float> %a1)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store <4 x float> %r, ptr %rp0, align 8
  ret void
}
define internal <4 x float> @wasm_host_iv_v(ptr %host, i32 %a0, <4 x float> %a1) {
  %slots = alloca [3 x i64], align 8
  %ap0 = getelementptr i64, ptr %slots, i64 0
  store i32 %a0, ptr %ap0
  %ap1 = getelementptr i64, ptr %slots, i64 1
  store <4 x float> %a1, ptr %ap1, align 8
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load <4 x float>, ptr %rp0, align 8
  ret <4 x float> %r0
}
define internal void @wasm_entry__i(ptr %vmctx, ptr %callee, ptr %slots) {
  %r = call i32 %callee(ptr %vmctx)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  store i32 %r, ptr %rp0
  ret void
}
define internal i32 @wasm_host__i(ptr %host) {
  %slots = alloca [1 x i64], align 8
  call void @wasmc_host_call(ptr %host, ptr %slots)
  %rp0 = getelementptr i64, ptr %slots, i64 0
  %r0 = load i32, ptr %rp0
  ret i32 %r0
}
@wasmc_funcs = constant [5 x ptr] [ptr @wasm_func_0, ptr @wasm_func_1, ptr @wasm_func_2, ptr @wasm_func_3, ptr @wasm_func_4]
@wasmc_direct_copies = constant [5 x ptr] [ptr null, ptr null, ptr null, ptr null, ptr null]
@wasmc_entries = constant [4 x ptr] [ptr @wasm_entry_vv_v, ptr @wasm_entry_vi_v, ptr @wasm_entry_iv_v, ptr @wasm_entry__i]
@wasmc_host_adapters = constant [4 x ptr] [ptr @wasm_host_vv_v, ptr @wasm_host_vi_v, ptr @wasm_host_iv_v, ptr @wasm_host__i]
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
